from django.apps import AppConfig


class SimilarityConfig(AppConfig):
    name = "zhengxie.similarity"
    verbose_name = "Similar proposals"
