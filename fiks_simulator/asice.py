"""The ASiC-E container (ETSI EN 319 162-1) as KS's Fiks IO clients pack a payload
(fiks-io-klient-java's AsicHandler): the mimetype entry first and stored, the files, and in
META-INF/ the ASiCManifest with each file's SHA-256 and the CMS signature of the manifest."""

import base64
import io
import zipfile

from .noark import Refused, parse

ASIC = "http://uri.etsi.org/02918/v1.2.1#"
DS = "http://www.w3.org/2000/09/xmldsig#"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
NS = {"asic": ASIC, "ds": DS}
MIMETYPE = b"application/vnd.etsi.asic-e+zip"
MAX_UNZIPPED = 256 * 1024 * 1024


def manifest_digests(manifest: bytes) -> tuple[str, dict[str, bytes]]:
    """(the signature's URI, {file URI: SHA-256}) from an ASiCManifest (ETSI EN 319 162-1)."""
    root = parse(manifest, "The manifest")
    if root.tag != f"{{{ASIC}}}ASiCManifest":
        raise Refused("META-INF/ASiCManifest.xml is not an ASiCManifest")
    signature = root.find("asic:SigReference", NS)
    digests: dict[str, bytes] = {}
    for reference in root.findall("asic:DataObjectReference", NS):
        uri = reference.get("URI", "")
        method = reference.find("ds:DigestMethod", NS)
        value = reference.findtext("ds:DigestValue", "", NS)
        if method is None or method.get("Algorithm") != SHA256:
            raise Refused(f"the manifest's digest of {uri} is not SHA-256")
        if uri in digests:
            raise Refused(f"the manifest names {uri} twice")
        digests[uri] = base64.b64decode(value.strip())
    if signature is None or not signature.get("URI", "").startswith("META-INF/"):
        raise Refused("the manifest names no signature in META-INF/")
    return signature.get("URI", ""), digests


def read_container(plain: bytes) -> tuple[dict[str, bytes], bytes, dict[str, bytes]]:
    """(data files, manifest, META-INF files) of an ASiC-E container, checked for form."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(plain))
    except zipfile.BadZipFile:
        raise Refused("the payload is not an ASiC-E container (no zip)") from None
    with archive:
        entries = archive.infolist()
        names = [entry.filename for entry in entries]
        if (
            len(set(names)) != len(names)
            or sum(entry.file_size for entry in entries) > MAX_UNZIPPED
        ):
            raise Refused("the container names a file twice, or is too large")
        if not entries or names[0] != "mimetype" or entries[0].compress_type != zipfile.ZIP_STORED:
            raise Refused("the container's first entry is not its mimetype, stored")
        content = {name: archive.read(name) for name in names}
    if content.pop("mimetype") != MIMETYPE:
        raise Refused(f"the container's mimetype is not {MIMETYPE.decode()}")
    meta = {name: data for name, data in content.items() if name.startswith("META-INF/")}
    files = {name: data for name, data in content.items() if name not in meta}
    if "META-INF/ASiCManifest.xml" not in meta:
        raise Refused("the container has no META-INF/ASiCManifest.xml")
    return files, meta["META-INF/ASiCManifest.xml"], meta
