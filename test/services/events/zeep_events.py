"""python3-zeep interop driver for the event service (vendored ONVIF WSDLs, offline).

Usage: zeep_events.py WSDL_DIR EVENT_SERVICE_ADDRESS USER PASSWORD
Prints one JSON document: capabilities, topics, a pull-point round (CreatePullPointSubscription
with a topic filter, SetSynchronizationPoint, PullMessages, Renew, Unsubscribe) and the fault a
PullMessages gets after Unsubscribe.
"""
import json
import os
import sys
from datetime import timedelta

from lxml import etree
from zeep import Client, Settings
from zeep.plugins import HistoryPlugin
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "helpers", "python"))
from zeep_offline import OfflineTransport  # noqa: E402
from zeep.wsse.username import UsernameToken

wsdl_dir, address, user, password = sys.argv[1:5]
VENDOR = os.path.dirname(wsdl_dir)
TEV = "http://www.onvif.org/ver10/events/wsdl"
WSNT = "http://docs.oasis-open.org/wsn/b-2"
TT = "http://www.onvif.org/ver10/schema"


# zeep drops the text of wsnt:Topic (a mixed-content type with a wildcard), a known zeep
# limitation; topics are read from the raw reply the history plugin keeps.
history = HistoryPlugin()
client = Client(
    f"{wsdl_dir}/ver10/events/wsdl/event.wsdl",
    plugins=[history],
    wsse=UsernameToken(user, password, use_digest=True),
    settings=Settings(strict=True, xml_huge_tree=False),
    transport=OfflineTransport(VENDOR, timeout=10, operation_timeout=60),
)
out = {}

events = client.create_service(f"{{{TEV}}}EventBinding", address)
caps = events.GetServiceCapabilities()
out["caps"] = {"MaxPullPoints": caps.MaxPullPoints, "WSPausableSubscriptionManagerInterfaceSupport": caps.WSPausableSubscriptionManagerInterfaceSupport}

props = events.GetEventProperties()
out["dialects"] = list(props.TopicExpressionDialect)
out["content_dialects"] = list(props.MessageContentFilterDialect)
topics = []
for root in props.TopicSet._value_1:
    for el in root.iter():
        if el.get("{http://docs.oasis-open.org/wsn/t-1}topic") == "true":
            chain = [el]
            while chain[-1] is not root:
                chain.append(chain[-1].getparent())
            topics.append("/".join(e.tag.split("}")[-1] for e in reversed(chain)))
out["topics"] = sorted(topics)

# A filter is xs:any content: build the wsnt:TopicExpression element directly.
topic_expr = etree.Element(f"{{{WSNT}}}TopicExpression", Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet", nsmap={"tns1": "http://www.onvif.org/ver10/topics"})
topic_expr.text = "tns1:VideoSource//."
sub = events.CreatePullPointSubscription(Filter={"_value_1": [topic_expr]}, InitialTerminationTime="PT60S")
sub_address = sub.SubscriptionReference.Address._value_1
out["subscription"] = sub_address
out["termination_after_current"] = (sub.TerminationTime - sub.CurrentTime).total_seconds()

pullpoint = client.create_service(f"{{{TEV}}}PullPointSubscriptionBinding", sub_address)
manager = client.create_service(f"{{{TEV}}}SubscriptionManagerBinding", sub_address)


def items(message):
    got = {}
    for si in message.iter(f"{{{TT}}}SimpleItem"):
        got[si.get("Name")] = si.get("Value")
    return got


# The test publishes a MotionAlarm once the subscription exists; this long poll waits for it.
res = pullpoint.PullMessages(Timeout=timedelta(seconds=30), MessageLimit=10)
raw_topics = [(t.text or "").strip() for t in history.last_received["envelope"].iter(f"{{{WSNT}}}Topic")]
out["pulled"] = [
    {"topic": raw_topics[i], "dialect": m.Topic.Dialect, "op": m.Message._value_1.get("PropertyOperation"), "items": items(m.Message._value_1)}
    for i, m in enumerate(res.NotificationMessage or [])
]
pullpoint.SetSynchronizationPoint()
res = pullpoint.PullMessages(Timeout=timedelta(seconds=5), MessageLimit=10)
out["after_sync"] = [{"op": m.Message._value_1.get("PropertyOperation"), "items": items(m.Message._value_1)} for m in (res.NotificationMessage or [])]

renewed = manager.Renew(TerminationTime="PT120S")
out["renew_extends"] = (renewed.TerminationTime - renewed.CurrentTime).total_seconds()
pullpoint.Unsubscribe()
try:
    pullpoint.PullMessages(Timeout=timedelta(seconds=1), MessageLimit=1)
    out["after_unsubscribe"] = "no fault"
except Exception as e:  # zeep.exceptions.Fault
    out["after_unsubscribe"] = {"type": type(e).__name__, "code": getattr(e, "code", None), "subcodes": [str(c) for c in getattr(e, "subcodes", None) or []]}
print(json.dumps(out))
