#!/usr/bin/env python3
"""Writes the sample documents of test/fixtures/knowledge/ (run from the repository root).

Standard library only, plus qpdf for the encrypted PDF (`apt-get install qpdf`). The files are
checked in; run this again only to change them. The PDF is written object by object with a real
cross-reference table, the DOCX is a real Office Open XML package (the parts Word writes for a
minimal document), so the parsers read them exactly as they read files from those tools.
"""
import os
import subprocess
import zipfile

OUT = os.path.join('test', 'fixtures', 'knowledge')


def pdf_string(text):
    return '(' + text.replace('\\', '\\\\').replace('(', '\\(').replace(')', '\\)') + ')'


def write_pdf(path, pages):
    """pages: list of lists of text lines; one Helvetica page per list."""
    objects = []  # body of object n is objects[n - 1]
    objects.append('<< /Type /Catalog /Pages 2 0 R >>')
    objects.append(None)  # pages tree, filled once the page ids are known
    objects.append('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>')
    page_ids = []
    for lines in pages:
        ops = ['BT', '/F1 12 Tf', '14 TL', '72 720 Td']
        for line in lines:
            ops.append(pdf_string(line) + " '")
        ops.append('ET')
        stream = '\n'.join(ops)
        objects.append('<< /Length %d >>\nstream\n%s\nendstream' % (len(stream.encode('latin-1')), stream))
        content_id = len(objects)
        objects.append(
            '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] '
            '/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>' % content_id
        )
        page_ids.append(len(objects))
    objects[1] = '<< /Type /Pages /Kids [%s] /Count %d >>' % (
        ' '.join('%d 0 R' % i for i in page_ids), len(page_ids))
    out = bytearray(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += ('%d 0 obj\n%s\nendobj\n' % (number, body)).encode('latin-1')
    xref = len(out)
    out += ('xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1)).encode('ascii')
    for offset in offsets:
        out += ('%010d 00000 n \n' % offset).encode('ascii')
    out += ('trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objects) + 1, xref)).encode('ascii')
    with open(path, 'wb') as f:
        f.write(out)


DOCX_CONTENT_TYPES = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>'''
DOCX_RELS = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>'''


def docx_paragraph(text, style=None):
    ppr = '<w:pPr><w:pStyle w:val="%s"/></w:pPr>' % style if style else ''
    escaped = text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    return '<w:p>%s<w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % (ppr, escaped)


def write_docx(path, paragraphs):
    body = ''.join(docx_paragraph(text, style) for style, text in paragraphs)
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                '<w:body>%s<w:sectPr/></w:body></w:document>' % body)
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', DOCX_CONTENT_TYPES)
        z.writestr('_rels/.rels', DOCX_RELS)
        z.writestr('word/document.xml', document)


def main():
    os.makedirs(OUT, exist_ok=True)
    write_pdf(os.path.join(OUT, 'handbook.pdf'), [
        ['Flowkeep field handbook', 'Chapter one: irrigation schedules.',
         'Water the greenhouse tomatoes every morning before eight.'],
        ['Chapter two: frost protection.',
         'Cover the seedlings with fleece when the forecast drops below zero.'],
    ])
    subprocess.run(['qpdf', '--encrypt', 'user-secret', 'owner-secret', '256', '--',
                    os.path.join(OUT, 'handbook.pdf'), os.path.join(OUT, 'encrypted.pdf')], check=True)
    with open(os.path.join(OUT, 'handbook.pdf'), 'rb') as f:
        good = f.read()
    # A PDF header followed by a cut, scrambled body: what a failed download leaves behind.
    with open(os.path.join(OUT, 'corrupt.pdf'), 'wb') as f:
        f.write(good[:9] + bytes((b * 7 + 13) % 256 for b in good[9:200]))
    write_docx(os.path.join(OUT, 'minutes.docx'), [
        ('Heading1', 'Board meeting minutes'),
        (None, 'The board approved the solar panel budget for the north barn.'),
        (None, 'Next meeting: the first Monday of March.'),
    ])
    # PNG signature and header bytes under a .txt name: not text, whatever the name says.
    with open(os.path.join(OUT, 'image-renamed.txt'), 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00'
                + bytes(range(256)))
    open(os.path.join(OUT, 'empty.txt'), 'wb').close()


if __name__ == '__main__':
    main()
