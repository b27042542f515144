"""Pages of the diagnose stage."""



urlpatterns: list = []
