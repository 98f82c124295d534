"""What the "Moderators" group may do with the campaign: write news, add and moderate actions,
record what happens to the people the campaign is for, upload and delete photos.

They do not see the private contact email of whoever reported an action: that takes the
permission `campaign.view_action_contact`, created here and given to nobody by default.
"""

from django.db import migrations

GROUP_NAME = "Moderators"
CONTACT_CODENAME = "view_action_contact"
CONTACT_NAME = "Can view the private contact email of an action's reporter"
MODELS = ["update", "photo", "action", "case", "casestatuschange"]
PERMISSIONS = [
    *(f"{verb}_{model}" for model in MODELS for verb in ("view", "add", "change")),
    "delete_photo",
    # A status change recorded by mistake (wrong person, wrong date) must be removable.
    "delete_casestatuschange",
]


def add_permissions(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    db_alias = schema_editor.connection.alias
    # On a fresh database, content types and permissions only appear after all migrations
    # have run (post_migrate): create the campaign's now.
    app_config = apps.get_app_config("campaign")
    app_config.models_module = True
    create_contenttypes(app_config, apps=apps, verbosity=0, using=db_alias)
    create_permissions(app_config, apps=apps, verbosity=0, using=db_alias)
    app_config.models_module = None

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    action_type = ContentType.objects.using(db_alias).get(app_label="campaign", model="action")
    Permission.objects.using(db_alias).get_or_create(
        codename=CONTACT_CODENAME, content_type=action_type, defaults={"name": CONTACT_NAME}
    )
    group, _created = Group.objects.using(db_alias).get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.using(db_alias).filter(
            content_type__app_label="campaign", codename__in=PERMISSIONS
        )
    )


def remove_permissions(apps, schema_editor):
    db_alias = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    campaign = Permission.objects.using(db_alias).filter(content_type__app_label="campaign")
    for group in Group.objects.using(db_alias).filter(name=GROUP_NAME):
        group.permissions.remove(*campaign.filter(codename__in=PERMISSIONS))
    campaign.filter(codename=CONTACT_CODENAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0001_initial"),
        ("petition", "0002_moderators_group"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(add_permissions, remove_permissions),
    ]
