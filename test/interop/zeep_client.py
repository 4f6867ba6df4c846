"""python3-zeep interop driver: loads the ONVIF device WSDL (vendored, offline) and calls a node.

Usage: zeep_client.py WSDL_DIR ADDRESS USER PASSWORD  — prints one JSON document with the results.
"""
import json
import os
import sys

from zeep import Client, Settings
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "helpers", "python"))
from zeep_offline import OfflineTransport  # noqa: E402
from zeep.wsse.username import UsernameToken
from requests import Session
from requests.auth import HTTPDigestAuth

wsdl_dir, address, user, password = sys.argv[1:5]
out = {}

settings = Settings(strict=True, xml_huge_tree=False)




def device_client(wsse=None, auth=None):
    session = Session()
    session.auth = auth
    client = Client(f"{wsdl_dir}/ver10/device/wsdl/devicemgmt.wsdl", wsse=wsse, settings=settings,
                    transport=OfflineTransport(os.path.dirname(wsdl_dir), session=session))
    return client.create_service("{http://www.onvif.org/ver10/device/wsdl}DeviceBinding", address)


svc = device_client(wsse=UsernameToken(user, password, use_digest=True))
services = svc.GetServices(IncludeCapability=False)
out["services"] = [s.Namespace for s in services]
info = svc.GetDeviceInformation()
out["info"] = {"Manufacturer": info.Manufacturer, "Model": info.Model, "SerialNumber": info.SerialNumber}
svc.CreateUsers(User=[{"Username": "zeep-operator", "Password": "Zeep-pass-123", "UserLevel": "Operator"}])
out["users"] = [(u.Username, u.UserLevel) for u in svc.GetUsers()]
try:
    svc.CreateUsers(User=[{"Username": "zeep-operator", "Password": "Zeep-pass-123", "UserLevel": "Operator"}])
    out["clash"] = "no fault"
except Exception as e:  # zeep raises zeep.exceptions.Fault
    out["clash"] = {"type": type(e).__name__, "message": str(e), "subcodes": [str(c) for c in getattr(e, "subcodes", None) or []]}

# The operator created above, this time through HTTP Digest instead of WS-Security.
op = device_client(auth=HTTPDigestAuth("zeep-operator", "Zeep-pass-123"))
out["operator_info"] = op.GetDeviceInformation().Manufacturer
try:
    op.GetUsers()
    out["operator_getusers"] = "allowed"
except Exception as e:
    out["operator_getusers"] = str(e)
print(json.dumps(out))
