"""Form errors a screen reader announces with their field."""


class AccessibleErrorsMixin:
    """Ties each field's error message to its input (aria-invalid, aria-describedby)."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in [field] if field else []:
            if name in self.fields:
                widget = self.fields[name].widget
                described = [f"{self[name].auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{self[name].auto_id}_helptext")
                widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": " ".join(described)}
                )
