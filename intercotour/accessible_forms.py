"""Form errors a screen reader announces with their field."""


class AccessibleErrorsMixin:
    """Ties each field's error message to its input (aria-invalid, aria-describedby)."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in [field] if field else []:
            if name in self.fields:
                self.describe_error(name)

    def describe_error(self, name):
        """Point field ``name``'s input at its error, and at its help text if it has one (call
        again when the help text changes after the error)."""
        described = [f"{self[name].auto_id}_error"]
        if self.fields[name].help_text:
            described.append(f"{self[name].auto_id}_helptext")
        self.fields[name].widget.attrs.update(
            {"aria-invalid": "true", "aria-describedby": " ".join(described)}
        )
