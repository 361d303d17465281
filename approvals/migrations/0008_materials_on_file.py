# Issue 8, items 6 and 8: what an item issues (a bundle never asks for it) and materials that may follow a
# signed commitment (告知承诺).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0007_delivery_chosen_event'),
    ]

    operations = [
        migrations.AddField(
            model_name='itemmaterial',
            name='after_commitment',
            field=models.BooleanField(default=False, help_text="An applicant who signs the item's written commitment hands this material in after the decision; it is not required before submission.", verbose_name='may follow the commitment (告知承诺)'),
        ),
        migrations.AddField(
            model_name='serviceitem',
            name='issued_material',
            field=models.ForeignKey(blank=True, help_text='The material type of what this item issues: a bundle that contains this item never asks the applicant for it.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='issuing_items', to='approvals.materialtype', verbose_name='issues the document'),
        ),
    ]
