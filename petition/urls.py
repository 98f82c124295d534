app_name = "petition"
urlpatterns = []
