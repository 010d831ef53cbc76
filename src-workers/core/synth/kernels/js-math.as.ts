// The host's Math functions, imported rather than AssemblyScript's own: the kernels then give
// the same bits as the JavaScript they replaced, so a seed still regenerates the same image.
export declare function exp(x: f64): f64;
export declare function log(x: f64): f64;
export declare function cos(x: f64): f64;
export declare function sin(x: f64): f64;
export declare function pow(x: f64, y: f64): f64;
