import { UsageError } from './cli-errors.js';
import { numberOption } from './command.js';

/**
 * `--aperture-m D --altitude-m H` of the light-curve commands: the telescope aperture and site altitude
 * that Young's scintillation term needs. Both or neither; undefined when neither is given.
 */
export function telescopeOption(
  command: string,
  values: { 'aperture-m'?: string; 'altitude-m'?: string },
): { apertureM: number; altitudeM: number } | undefined {
  const aperture = values['aperture-m'];
  const altitude = values['altitude-m'];
  if ((aperture === undefined) !== (altitude === undefined))
    throw new UsageError(`${command}: --aperture-m and --altitude-m go together`);
  return aperture === undefined
    ? undefined
    : { apertureM: numberOption('aperture-m', aperture, 0), altitudeM: numberOption('altitude-m', altitude, 0) };
}
