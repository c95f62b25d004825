"""The import form of the plan's edit page, and the upload handler that bounds it."""

from __future__ import annotations

import io

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from planner.audit import KIND_LABELS, MAX_FILE_MB
from planner.engine.audit import MAX_FILE_BYTES, ExportError, export_file_name, parse_exports
from planner.engine.audit import schema as export_schema

MAX_FILES = 2
PASTE_KB = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
PASTED = "pasted text"


class ImportUploadHandler(FileUploadHandler):
    """Keep each uploaded file in memory, up to MAX_FILE_BYTES; skip bigger ones (and say so).

    Export files are as sensitive as the plan, so they never touch the disk; and a file stops
    being read once it passes the limit, so an oversized upload costs at most that much memory.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.too_big: dict[str, str] = {}  # field name -> file name
        self.files = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.files += 1
        if self.files > MAX_FILES:
            raise SkipFile
        self.buffer, self.size = io.BytesIO(), 0

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.size > MAX_FILE_BYTES:
            self.too_big[self.field_name] = self.file_name
            raise SkipFile
        self.buffer.write(raw_data)

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )


def _file_field(label: str, kind: str) -> forms.FileField:
    return forms.FileField(
        required=False,
        label=label,
        help_text=f"The file the script writes: {_file_name(kind)}. Up to {MAX_FILE_MB} MB.",
        error_messages={"empty": "The file is empty. Choose the file the export script wrote."},
    )


def _file_name(kind: str) -> str:
    return export_file_name(kind)


class ImportForm(forms.Form):
    """Export files (or pasted text) in, a `CurrentConfig` out as `self.current`."""

    exchange_online = _file_field("Exchange Online export", export_schema.EXCHANGE_ONLINE)
    exchange_server = _file_field(
        "Exchange Server export (optional)", export_schema.EXCHANGE_SERVER
    )
    pasted = forms.CharField(
        required=False,
        strip=False,
        label="Or paste the contents of one export file",
        help_text=f"Up to {PASTE_KB} KB of pasted text; upload a bigger file instead.",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )

    KINDS = {
        "exchange_online": export_schema.EXCHANGE_ONLINE,
        "exchange_server": export_schema.EXCHANGE_SERVER,
    }

    def __init__(self, *args, too_big: dict[str, str] | None = None, paste_too_big=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = too_big or {}
        self.paste_too_big = paste_too_big
        self.current = None

    def clean(self):
        cleaned = super().clean()
        for field, file_name in self.too_big.items():
            if field in self.KINDS:
                self.add_error(
                    field, f"{file_name[:200]}: the file is larger than {MAX_FILE_MB} MB."
                )
        if self.paste_too_big:
            self.add_error(
                "pasted", f"The pasted text is larger than {PASTE_KB} KB: upload the file instead."
            )
        if self.errors:
            return cleaned
        files, fields = [], {}
        for field in self.KINDS:
            upload = cleaned.get(field)
            if upload:
                name = upload.name if upload.name not in fields else f"{upload.name} (second file)"
                fields[name[:200]] = field
                files.append((name, upload.read()))
        if cleaned.get("pasted", "").strip():
            fields[PASTED] = "pasted"
            files.append((PASTED, cleaned["pasted"].encode("utf-8")))
        if not files:
            raise forms.ValidationError(
                "Choose the Exchange Online export file, or paste its contents.", code="required"
            )
        try:
            current = parse_exports(files)
        except ExportError as error:
            for problem in error.problems:
                self.add_error(fields.get(problem.file, "exchange_online"), str(problem))
            return cleaned
        for source in current.sources:
            field = fields.get(source.file_name)
            wanted = self.KINDS.get(field)
            if wanted and source.kind != wanted:
                self.add_error(
                    field,
                    f"{source.file_name}: this is the {KIND_LABELS[source.kind]} export; "
                    f"choose it under “{self.fields[_field_for(source.kind)].label}”.",
                )
        if not self.errors:
            self.current = current
        return cleaned


def _field_for(kind: str) -> str:
    return next(field for field, wanted in ImportForm.KINDS.items() if wanted == kind)
