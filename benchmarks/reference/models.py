from django.db import models


class Entry(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField(unique=True)
    country = models.CharField(max_length=2)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name
