"""Plan exports: the PDF (pdf.py, laid out by renderer.py in a child process) and Markdown."""

# WeasyPrint's @page size keyword for each `?size=` value the views accept.
PAGE_SIZES = {"a4": "A4", "letter": "letter"}


def render_in_child(connection, html: str, page_size: str) -> None:
    """Child-process entry point of a PDF render.

    It lives here so the web process, which must name it, never imports WeasyPrint: the child
    finds renderer.py already loaded by the fork server.
    """
    from planner.exports.renderer import send_pdf

    send_pdf(connection, html, page_size)
