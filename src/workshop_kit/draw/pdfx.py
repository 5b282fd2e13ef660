"""PDF/X for the print-shop files: the output profile (Coated FOGRA39,
data/icc), the one conversion of colours and pictures into its CMYK, and
what a PDF/X file says about itself (OutputIntent, info keys, XMP)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache, lru_cache
from hashlib import sha256
from xml.sax.saxutils import escape

from PIL import Image, ImageCms
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDate,
    PDFDictionary,
    PDFInfo,
    PDFName,
    PDFStream,
    PDFString,
    PDFZCompress,
)
from reportlab.pdfgen.canvas import Canvas

from workshop_kit.builtin import DATA
from workshop_kit.content.model import CMYK

PROFILE = DATA / "icc" / "FOGRA39L-coated.icc"
# The print condition as the ICC's registry of characterization data names it.
CONDITION = "FOGRA39"
CONDITION_TEXT = ("Offset printing, according to ISO 12647-2:2004/Amd 1, OFCOM, paper type 1 or 2 = coated art, "
                  "115 g/m2, tone value increase curves A (CMY) and B (K)")
REGISTRY = "http://www.color.org"


@dataclass(frozen=True)
class Standard:
    """A PDF/X standard: what its files declare and allow."""

    name: str                   # as --pdfx names it
    version: str                # GTS_PDFXVersion
    pdf_version: tuple[int, int]
    transparency: bool          # pictures keep their alpha channel


STANDARDS = {
    "x-4": Standard("x-4", "PDF/X-4", (1, 6), True),
    "x-1a": Standard("x-1a", "PDF/X-1a:2003", (1, 4), False),
}


@cache
def profile() -> bytes:
    return PROFILE.read_bytes()


@lru_cache(maxsize=8)
def _transform(source: bytes | None = None) -> ImageCms.ImageCmsTransform:
    """RGB into the profile's CMYK, relative colorimetric with black point
    compensation: from the RGB profile `source` (a picture's own), or from
    sRGB without one or when it is not an RGB profile that can be read."""
    start = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    if source:
        try:
            embedded = ImageCms.ImageCmsProfile(io.BytesIO(source))
            if embedded.profile.xcolor_space == "RGB ":
                start = embedded
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    output = ImageCms.ImageCmsProfile(io.BytesIO(profile()))
    return ImageCms.buildTransform(start, output, "RGB", "CMYK",
                                   renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                   flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)


@lru_cache(maxsize=1024)
def cmyk(colour) -> tuple[float, float, float, float]:
    """0..1 CMYK of a theme colour: CMYK as the kit gives it; a grey
    (#RRGGBB with R = G = B) on the black plate only, so that grey and black
    text is not printed in four inks; any other #RRGGBB as sRGB through the
    output profile."""
    if isinstance(colour, CMYK):
        c, m, y, k = (v / 100 for v in colour.cmyk)
        return (c, m, y, k)
    value = colour.lstrip("#")
    rgb = tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))
    if rgb[0] == rgb[1] == rgb[2]:
        return (0.0, 0.0, 0.0, round(1 - rgb[0] / 255, 4))
    converted = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), _transform())
    assert converted is not None  # a new image, not converted in place
    c, m, y, k = converted.getpixel((0, 0))  # type: ignore[misc]  # a CMYK pixel is a 4-tuple
    return (round(c / 255, 4), round(m / 255, 4), round(y / 255, 4), round(k / 255, 4))


def picture(image: Image.Image, standard: Standard) -> ImageReader:
    """A picture in the profile's CMYK (from the RGB profile it embeds, or
    sRGB; a CMYK picture as it is); its transparency kept as a soft mask
    where the standard allows it (PDF/X-4), else laid on white."""
    source = image.info.get("icc_profile")
    alpha = None
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        alpha = image.getchannel("A")
        if not standard.transparency:
            white = Image.new("RGBA", image.size, (255, 255, 255, 255))
            image, alpha = Image.alpha_composite(white, image), None
    if image.mode != "CMYK":
        converted = ImageCms.applyTransform(image.convert("RGB"), _transform(source))
        assert converted is not None  # a new image, not converted in place
        image = converted
    reader = ImageReader(image)
    reader.getRGBData()  # reads the pixels; a CMYK image has no alpha for ReportLab
    reader._dataA = ImageReader(alpha) if alpha is not None else None  # type: ignore[attr-defined]  # the soft mask ReportLab reads
    return reader


class _Info(PDFInfo):
    """The document information of a PDF/X file: ReportLab's keys and the standard's."""

    standard: Standard

    def format(self, document):
        entries = {
            "Title": PDFString(self.title), "Author": PDFString(self.author),
            "Subject": PDFString(self.subject), "Creator": PDFString(self.creator),
            "Producer": PDFString(self.producer), "Trapped": PDFName(self.trapped),
            "GTS_PDFXVersion": PDFString(self.standard.version),
        }
        entries["CreationDate"] = entries["ModDate"] = PDFDate(ts=document._timeStamp)
        return PDFDictionary(entries).format(document)


def declare(canvas: Canvas, standard: Standard) -> None:
    """Make the canvas's document a PDF/X file: the standard in its
    information and XMP metadata, not trapped, and the output intent with
    the embedded profile. Call it after the title is set."""
    doc = canvas._doc  # type: ignore[attr-defined]  # the stub omits the canvas's document
    info = _Info()
    info.__dict__.update(doc.info.__dict__)
    info.standard = standard
    info.trapped = "False"
    doc.info = info
    icc = PDFStream(PDFDictionary({"N": 4}), profile(), [PDFZCompress])
    intent = PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFX"),
        "OutputConditionIdentifier": PDFString(CONDITION), "OutputCondition": PDFString(CONDITION_TEXT),
        "RegistryName": PDFString(REGISTRY), "Info": PDFString(CONDITION_TEXT),
        "DestOutputProfile": doc.Reference(icc, "pdfx-output-profile"),
    })
    # ReportLab's catalogue writes only the entries it lists; this one lists OutputIntents too.
    doc.Catalog.__NoDefault__ = [*doc.Catalog.__NoDefault__, "OutputIntents"]
    canvas.setCatalogEntry("OutputIntents", PDFArray([intent]))
    # Uncompressed, so that tools that look for the XMP packet find it.
    canvas.setCatalogEntry("Metadata", PDFStream(
        PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
        _xmp(info, standard, doc._timeStamp), []))


def _xmp(info: _Info, standard: Standard, stamp) -> bytes:
    """The XMP packet: the information's entries and the standard's version;
    its document ID a digest of the title, subject and date, as reproducible
    as the file."""
    y, mo, d, h, mi, s = stamp.YMDhms
    date = f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{stamp.dhh:+03d}:{stamp.dmm:02d}"
    uuid = sha256(f"{info.title}\0{info.subject}\0{date}".encode()).hexdigest()
    uuid = f"{uuid[:8]}-{uuid[8:12]}-{uuid[12:16]}-{uuid[16:20]}-{uuid[20:32]}"
    # PDF/X-4 names itself in the pdfxid schema, PDF/X-1a:2003 in the older pdfx one.
    schema = "pdfxid" if standard.version == "PDF/X-4" else "pdfx"
    pdfx = f"<{schema}:GTS_PDFXVersion>{standard.version}</{schema}:GTS_PDFXVersion>"
    text = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
        ' xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"'
        ' xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/"'
        ' xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">\n'
        f'<dc:format>application/pdf</dc:format>'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.title)}</rdf:li></rdf:Alt></dc:title>'
        f'<dc:creator><rdf:Seq><rdf:li>{escape(info.author)}</rdf:li></rdf:Seq></dc:creator>'
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.subject)}</rdf:li></rdf:Alt>'
        f'</dc:description>\n'
        f'<xmp:CreateDate>{date}</xmp:CreateDate><xmp:ModifyDate>{date}</xmp:ModifyDate>'
        f'<xmp:MetadataDate>{date}</xmp:MetadataDate><xmp:CreatorTool>{escape(info.creator)}</xmp:CreatorTool>\n'
        f'<pdf:Producer>{escape(info.producer)}</pdf:Producer><pdf:Trapped>{info.trapped}</pdf:Trapped>\n'
        f'<xmpMM:DocumentID>uuid:{uuid}</xmpMM:DocumentID><xmpMM:InstanceID>uuid:{uuid}</xmpMM:InstanceID>'
        f'<xmpMM:VersionID>1</xmpMM:VersionID><xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n'
        f'{pdfx}\n'
        '</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n'
        + " " * 2000 + '\n<?xpacket end="w"?>'
    )
    return text.encode("utf-8")
