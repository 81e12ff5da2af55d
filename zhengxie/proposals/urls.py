from .urls_batch import urlpatterns as batch
from .urls_boards import urlpatterns as boards
from .urls_documents import urlpatterns as documents
from .urls_history import urlpatterns as history
from .urls_pages import urlpatterns as pages

app_name = "proposals"
urlpatterns = [*pages, *batch, *boards, *documents, *history]
