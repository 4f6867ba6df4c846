"""Offline zeep transport shared by the python3-zeep interop scripts.

Serves every remote schema/WSDL location the ONVIF WSDLs import from vendor/onvif: the catalog's
entries, then OASIS and W3C documents (and the relative imports between them, which resolve
against their remote base) by file name from external/. Anything else remote is refused, so the
interop tests never touch the network.
"""
import os
import xml.etree.ElementTree as ET

from zeep.transports import Transport

OFFLINE_HOSTS = ("docs.oasis-open.org", "www.w3.org")


class OfflineTransport(Transport):
    def __init__(self, vendor_dir, **kwargs):
        super().__init__(**kwargs)
        self.vendor = vendor_dir
        ns = {"c": "urn:oasis:names:tc:entity:xmlns:xml:catalog"}
        catalog = os.path.join(vendor_dir, "catalog.xml")
        self.map = {e.get("name"): os.path.join(vendor_dir, e.get("uri")) for e in ET.parse(catalog).getroot().findall("c:uri", ns)}

    def load(self, url):
        local = self.map.get(url) or self.map.get(url.rstrip("/"))
        host = url.split("/")[2] if "://" in url else ""
        if not local and host in OFFLINE_HOSTS:
            local = os.path.join(self.vendor, "external", url.rstrip("/").rsplit("/", 1)[-1])
        if local and os.path.exists(local):
            with open(local, "rb") as f:
                return f.read()
        if url.startswith("http://") or url.startswith("https://"):
            raise RuntimeError(f"refusing to fetch {url}: not available offline")
        return super().load(url)
