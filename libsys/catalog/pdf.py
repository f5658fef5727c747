"""PDF helpers shared by registers, labels and minutes: a font that prints Vietnamese."""

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "DejaVuSans"
BOLD_FONT_NAME = "DejaVuSans-Bold"
_SYSTEM_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _font_dirs() -> list[Path]:
    """Where DejaVu may be: the system fonts, then matplotlib's bundled copy."""
    dirs = [_SYSTEM_DIR]
    try:
        import matplotlib

        dirs.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:  # matplotlib is optional: the system font is enough
        pass
    return dirs


def _find(filename: str) -> Path | None:
    for directory in _font_dirs():
        path = directory / filename
        if path.is_file():
            return path
    return None


def vietnamese_font(bold: bool = False) -> str:
    """Register DejaVu Sans (regular or bold) with reportlab once and return its font name."""
    name = BOLD_FONT_NAME if bold else FONT_NAME
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    path = _find(f"{name}.ttf")
    if path is None and bold:
        # A bold face is a nicety: fall back to the regular face rather than fail.
        return vietnamese_font(bold=False)
    if path is None:
        # Helvetica would print "?" for every Vietnamese letter: better to say so.
        raise RuntimeError("DejaVuSans.ttf not found: install fonts-dejavu-core or matplotlib")
    pdfmetrics.registerFont(TTFont(name, str(path)))
    return name
