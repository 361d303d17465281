"""Small shared pieces: references to catalog rows, and the clock of a review or of acceptance."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from approvals.lights import Light

LIGHTS = Light.values  # green, yellow, red, paused, waiting, done (approvals/lights.py)
_DATETIME = serializers.DateTimeField()


def datetime_out(value):
    """A date-time as the API writes it (DRF's DateTimeField: ISO 8601 in the current time zone), for the
    serializers that write their fields out by hand."""
    return None if value is None else _DATETIME.to_representation(value)


class DepartmentRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class EnterpriseRefSerializer(serializers.Serializer):
    credit_code = serializers.CharField()
    name = serializers.CharField()


class PackageRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ItemRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField(source="department.code", help_text="Department code.")


class ClockSerializer(serializers.Serializer):
    """A `progress.ClockView`: due time, light and remaining working time (negative when overdue)."""

    due_at = serializers.DateTimeField(allow_null=True)
    legal_due_at = serializers.DateTimeField(allow_null=True)
    light = serializers.ChoiceField(choices=LIGHTS)
    remaining_seconds = serializers.IntegerField(allow_null=True,
                                                 help_text="Remaining office time in seconds; negative when overdue.")
    remaining_text = serializers.CharField(help_text="The remaining working time in words, in the user's language.")
    calendar_published = serializers.BooleanField(
        help_text="False while a year up to the due time has no published holiday schedule: the due time counts "
                  "Monday to Friday there and is recomputed when the schedule is published.")




class TextChoicesField(serializers.ChoiceField):
    """A ChoiceField for a TextChoices class; documented as a named enum component (`<Class>Enum`)."""

    def __init__(self, text_choices, **kwargs):
        self.text_choices = text_choices
        super().__init__(choices=text_choices.choices, **kwargs)


class TextChoicesFieldExtension(OpenApiSerializerFieldExtension):
    """Several models share field names with different choices (`status`, `kind`, ...). Naming each enum after
    its TextChoices class keeps the schema free of enum-name collisions without global settings."""

    target_class = TextChoicesField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        choices = self.target.text_choices
        component = ResolvedComponent(
            name=f"{choices.__name__}Enum", type=ResolvedComponent.SCHEMA, object=choices,
            schema={"type": "string", "enum": [str(v) for v in choices.values],
                    "description": "\n".join(f"* `{v}` - {label}" for v, label in choices.choices)},
        )
        auto_schema.registry.register_on_missing(component)
        if self.target.allow_blank:
            return {"oneOf": [component.ref, {"type": "string", "enum": [""]}]}
        return component.ref


def choice_field(choices, **kwargs) -> TextChoicesField:
    return TextChoicesField(choices, **kwargs)
