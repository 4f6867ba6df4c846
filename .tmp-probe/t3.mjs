import { PFX, SafeBag, CertBag, PKCS12Attribute, MacData, AuthenticatedSafe, SafeContents, PKCS8ShroudedKeyBag, id_certBag } from '@peculiar/asn1-pfx';
import { ContentInfo, id_data } from '@peculiar/asn1-cms';
import { DigestInfo } from '@peculiar/asn1-rsa';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Name, RelativeDistinguishedName, AttributeTypeAndValue, AttributeValue, AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { FriendlyName, id_pkcs9_at_friendlyName } from '@peculiar/asn1-pkcs9';
console.log(typeof PFX, typeof SafeBag, typeof ContentInfo, id_data, typeof DigestInfo, typeof AsnConvert, typeof Name, typeof FriendlyName, id_certBag, id_pkcs9_at_friendlyName);
