"""python3-zeep drives the Media2 service with the vendored ONVIF WSDL (offline, strict parsing).

Usage: zeep_media2.py WSDL_DIR ADDRESS USER PASSWORD  — prints one JSON document with the results.
The offline transport follows test/interop/zeep_client.py: remote schema locations resolve through
vendor/onvif/catalog.xml, anything else is refused.
"""
import json
import os
import sys

from zeep import Client, Settings
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "helpers", "python"))
from zeep_offline import OfflineTransport  # noqa: E402
from zeep.wsse.username import UsernameToken

wsdl_dir, address, user, password = sys.argv[1:5]
out = {}


client = Client(f"{wsdl_dir}/ver20/media/wsdl/media.wsdl", wsse=UsernameToken(user, password, use_digest=True),
                settings=Settings(strict=True, xml_huge_tree=False), transport=OfflineTransport(os.path.dirname(wsdl_dir)))
svc = client.create_service("{http://www.onvif.org/ver20/media/wsdl}Media2Binding", address)


def fault(fn):
    try:
        fn()
        return "no fault"
    except Exception as e:  # zeep.exceptions.Fault
        return {"type": type(e).__name__, "message": str(e), "subcodes": [str(c) for c in getattr(e, "subcodes", None) or []]}


caps = svc.GetServiceCapabilities()
out["max_profiles"] = caps.ProfileCapabilities.MaximumNumberOfProfiles
out["snapshot_uri"] = caps.SnapshotUri

profiles = svc.GetProfiles(Type=["All"])
out["profiles"] = [(p.token, p.Name, bool(p.fixed)) for p in profiles]
main = profiles[0]
out["main_encoder"] = [main.Configurations.VideoEncoder.Encoding, main.Configurations.VideoEncoder.Resolution.Width]

token = svc.CreateProfile(Name="zeep profile", Configuration=[{"Type": "VideoSource", "Token": main.Configurations.VideoSource.token}])
out["created"] = token
svc.AddConfiguration(ProfileToken=token, Configuration=[{"Type": "VideoEncoder", "Token": "Cam1:VE-sub"}, {"Type": "Metadata", "Token": "Cam1:MD"}])
created = svc.GetProfiles(Token=token, Type=["VideoEncoder", "Metadata"])[0]
out["created_configs"] = [created.Configurations.VideoEncoder.token, created.Configurations.Metadata.token, created.Configurations.VideoSource]

options = svc.GetVideoEncoderConfigurationOptions(ConfigurationToken="Cam1:VE-sub")
out["options"] = [(o.Encoding, [(r.Width, r.Height) for r in o.ResolutionsAvailable]) for o in options]

enc = svc.GetVideoEncoderConfigurations(ConfigurationToken="Cam1:VE-sub")[0]
enc.Encoding = "H265"
enc.Resolution.Width = 1280
enc.Resolution.Height = 720
enc.RateControl.FrameRateLimit = 15
enc.Name = "zeep set"
svc.SetVideoEncoderConfiguration(Configuration=enc)
after = svc.GetVideoEncoderConfigurations(ConfigurationToken="Cam1:VE-sub")[0]
out["encoder_after"] = [after.Name, after.Encoding, after.Resolution.Width, after.Resolution.Height, after.RateControl.FrameRateLimit]

out["stream_uri"] = svc.GetStreamUri(Protocol="RtspUnicast", ProfileToken=token)
out["snapshot"] = svc.GetSnapshotUri(ProfileToken=token)
out["osds"] = [o.token for o in svc.GetOSDs(ConfigurationToken="Cam1:VSC")]
out["modes"] = [(m.token, bool(m.Enabled)) for m in svc.GetVideoSourceModes(VideoSourceToken="Cam1:VS")]
svc.RemoveConfiguration(ProfileToken=token, Configuration=[{"Type": "All"}])
out["after_remove"] = svc.GetProfiles(Token=token, Type=["All"])[0].Configurations
svc.DeleteProfile(Token=token)
out["delete_fixed"] = fault(lambda: svc.DeleteProfile(Token="Cam1:main"))
out["unknown_profile"] = fault(lambda: svc.GetProfiles(Token="Cam1:none"))
out["foreign_token"] = fault(lambda: svc.GetStreamUri(Protocol="RtspUnicast", ProfileToken="Elsewhere:main"))
print(json.dumps(out, default=str))
