"""python3-zeep interop driver: loads the ONVIF device WSDL (vendored, offline) and calls a node.

Usage: zeep_client.py WSDL_DIR ADDRESS USER PASSWORD  — prints one JSON document with the results.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

from zeep import Client, Settings
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken
from requests import Session
from requests.auth import HTTPDigestAuth

wsdl_dir, address, user, password = sys.argv[1:5]
out = {}

settings = Settings(strict=True, xml_huge_tree=False)


class OfflineTransport(Transport):
    """Resolves the remote schema locations the ONVIF WSDLs import from vendor/onvif/catalog.xml:
    the test never touches the network."""

    def __init__(self, catalog, **kwargs):
        super().__init__(**kwargs)
        base = os.path.dirname(catalog)
        ns = {"c": "urn:oasis:names:tc:entity:xmlns:xml:catalog"}
        self.map = {e.get("name"): os.path.join(base, e.get("uri")) for e in ET.parse(catalog).getroot().findall("c:uri", ns)}

    def load(self, url):
        local = self.map.get(url) or self.map.get(url.rstrip("/"))
        if not local and (url.startswith("http://") or url.startswith("https://")):
            # Relative imports inside a catalogued schema resolve against its remote URL
            # (e.g. b-2.xsd's "ws-addr.xsd"); the vendored copies sit side by side in external/.
            candidate = os.path.join(os.path.dirname(CATALOG), "external", url.rsplit("/", 1)[-1])
            local = candidate if os.path.isfile(candidate) else None
        if local:
            with open(local, "rb") as f:
                return f.read()
        if url.startswith("http://") or url.startswith("https://"):
            raise RuntimeError(f"refusing to fetch {url}: not in the schema catalog")
        return super().load(url)


CATALOG = os.path.join(os.path.dirname(wsdl_dir), "catalog.xml")


def device_client(wsse=None, auth=None):
    session = Session()
    session.auth = auth
    client = Client(f"{wsdl_dir}/ver10/device/wsdl/devicemgmt.wsdl", wsse=wsse, settings=settings,
                    transport=OfflineTransport(CATALOG, session=session))
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
