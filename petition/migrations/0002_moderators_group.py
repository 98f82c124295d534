"""The "Moderators" group: what a campaign's volunteer moderators may do in the admin.

They review signatures and organisations (view, change through the moderation actions),
read petitions and the moderation log. They never see email addresses
(petition.view_signature_email), never delete, never add.
"""

from django.db import migrations

GROUP_NAME = "Moderators"
PERMISSIONS = [
    ("petition", "view_signature"),
    ("petition", "change_signature"),
    ("petition", "view_organisation"),
    ("petition", "change_organisation"),
    ("petition", "view_petition"),
    ("admin", "view_logentry"),
]


def create_moderators_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    db_alias = schema_editor.connection.alias
    # On a fresh database, permissions are only created after all migrations have run
    # (post_migrate); create them now for the apps whose permissions the group needs.
    for app_label in {app_label for app_label, _codename in PERMISSIONS}:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=db_alias)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(db_alias).get_or_create(name=GROUP_NAME)
    group.permissions.set(
        [
            Permission.objects.using(db_alias).get(
                content_type__app_label=app_label, codename=codename
            )
            for app_label, codename in PERMISSIONS
        ]
    )


def remove_moderators_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("petition", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_moderators_group, remove_moderators_group),
    ]
