def sign_in_history(*, user, limit: int = 50):
    return user.sign_ins.all()[:limit]
