def test_rate_limit_answers_429_with_retry_after(make_client, new_user):
    client = make_client(rate_limit_per_minute=5)
    alice = new_user(client)
    statuses = [client.get("/users/me", headers=alice).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    limited = client.get("/users/me", headers=alice)
    assert int(limited.headers["Retry-After"]) >= 1
