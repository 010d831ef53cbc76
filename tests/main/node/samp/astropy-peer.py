# A SAMP peer for the tests, on astropy.samp: optionally runs astropy's hub (lockfile at argv[1]), registers a
# client named "astropy-peer" that prints every message it receives as a JSON line, answers calls, and on
# table.load.votable notifies the sender with coord.pointAt.sky (the other direction of the exchange), and with
# PEER_SELECT_ROWS=1 also highlights and selects rows of that table.
import json, os, sys, time
from astropy.samp import SAMPHubServer, SAMPIntegratedClient

lockfile, run_hub = sys.argv[1], sys.argv[2] == 'hub'
hub = None
if run_hub:
    hub = SAMPHubServer(web_profile=False, lockfile=lockfile)
    hub.start(wait=False)
os.environ['SAMP_HUB'] = 'std-lockurl:file://' + lockfile
client = SAMPIntegratedClient(name='astropy-peer')
client.connect()

def say(obj):
    print(json.dumps(obj), flush=True)

def on_notification(private_key, sender_id, mtype, params, extra):
    say({'got': mtype, 'params': params, 'sender': sender_id})
    if mtype == 'table.load.votable':
        client.notify(sender_id, {'samp.mtype': 'coord.pointAt.sky', 'samp.params': {'ra': '10.5', 'dec': '-20.25'}})
        if os.environ.get('PEER_SELECT_ROWS') and 'table-id' in params:
            # As TOPCAT does when a user clicks rows of a table it was sent: highlight one, select two.
            tid, url = params['table-id'], params['url']
            client.notify(sender_id, {'samp.mtype': 'table.highlight.row', 'samp.params': {'table-id': tid, 'url': url, 'row': '2'}})
            client.notify(sender_id, {'samp.mtype': 'table.select.rowList', 'samp.params': {'table-id': tid, 'url': url, 'row-list': ['0', '3']}})
            client.notify(sender_id, {'samp.mtype': 'table.highlight.row', 'samp.params': {'table-id': 'not-ours', 'url': url, 'row': '0'}})

def on_call(private_key, sender_id, msg_id, mtype, params, extra):
    say({'call': mtype, 'params': params})
    client.reply(msg_id, {'samp.status': 'samp.ok', 'samp.result': {'echo': params.get('ra', '')}})

for m in ['table.load.votable', 'image.load.fits', 'coord.pointAt.sky', 'table.highlight.row', 'table.select.rowList']:
    client.bind_receive_notification(m, on_notification)
    client.bind_receive_call(m, on_call)
say({'ready': True, 'id': client.get_public_id()})
try:
    for line in sys.stdin:
        if line.strip() == 'clients':
            ids = client.get_registered_clients()
            say({'clients': [client.get_metadata(i).get('samp.name', i) for i in ids]})
        if line.strip() == 'quit':
            break
finally:
    client.disconnect()
    if hub:
        hub.stop()
