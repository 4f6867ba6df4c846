"""python3-zeep pulls MotionAlarm events that a simulated camera produces on its own.

Usage: zeep_motion.py WSDL_DIR EVENT_SERVICE_URL USER PASSWORD — prints JSON: the messages pulled.
"""
import json
import os
import sys
from datetime import timedelta

from lxml import etree
from zeep import Client, Settings
from zeep.plugins import HistoryPlugin
from zeep.wsse.username import UsernameToken

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "helpers", "python"))
from zeep_offline import OfflineTransport  # noqa: E402

wsdl_dir, address, user, password = sys.argv[1:5]
TEV = "http://www.onvif.org/ver10/events/wsdl"
WSNT = "http://docs.oasis-open.org/wsn/b-2"
TT = "http://www.onvif.org/ver10/schema"

history = HistoryPlugin()
client = Client(f"{wsdl_dir}/ver10/events/wsdl/event.wsdl", plugins=[history], wsse=UsernameToken(user, password, use_digest=True),
                settings=Settings(strict=True), transport=OfflineTransport(os.path.dirname(wsdl_dir), timeout=10, operation_timeout=60))
events = client.create_service(f"{{{TEV}}}EventBinding", address)
expr = etree.Element(f"{{{WSNT}}}TopicExpression", Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet",
                     nsmap={"tns1": "http://www.onvif.org/ver10/topics"})
expr.text = "tns1:VideoSource/MotionAlarm"
sub = events.CreatePullPointSubscription(Filter={"_value_1": [expr]}, InitialTerminationTime="PT120S")
pullpoint = client.create_service(f"{{{TEV}}}PullPointSubscriptionBinding", sub.SubscriptionReference.Address._value_1)
pulled = []
# Motion follows the scene's moving objects: keep pulling until both states have been seen.
for _ in range(12):
    res = pullpoint.PullMessages(Timeout=timedelta(seconds=10), MessageLimit=20)
    topics = [(t.text or "").strip() for t in history.last_received["envelope"].iter(f"{{{WSNT}}}Topic")]
    for i, m in enumerate(res.NotificationMessage or []):
        items = {si.get("Name"): si.get("Value") for si in m.Message._value_1.iter(f"{{{TT}}}SimpleItem")}
        pulled.append({"topic": topics[i], "op": m.Message._value_1.get("PropertyOperation"), "items": items})
    if {p["items"].get("State") for p in pulled} >= {"true", "false"}:
        break
pullpoint.Unsubscribe()
print(json.dumps(pulled))
