from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's accessible div layout, with checkboxes placed before their label."""

    field_template_name = "forms/field.html"
