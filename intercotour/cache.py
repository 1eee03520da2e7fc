"""Django's Redis cache backend, with one Redis client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache
call. With redis-py 5 and later that object is not cheap: its constructor fills a table of
about 170 response callbacks, which cost more CPU than the round trip to Redis itself (0.1 to
0.2 ms a call, measured with ``benchmarks/public_pages.py``; a revalidation answered 304 makes
one call). A ``redis.Redis`` object over a connection pool is safe to share between threads,
so each pool gets one, made once. Everything else is Django's backend as it is.

It also increments several counters in one round trip (``incr_or_start``, for the page
cache's version counters): Django's ``incr`` costs two round trips a key.

Settings use it for ``rediscache://`` URLs (``intercotour.settings``).
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def incr_or_start(self, keys, start):
        """Add one to each of ``keys``, in one round trip; a missing key becomes ``start`` + 1
        and does not expire (as ``add(key, start, timeout=None)`` then ``incr(key)``)."""
        pipeline = self._cache.get_client(write=True).pipeline(transaction=False)
        for key in keys:
            key = self.make_and_validate_key(key)
            pipeline.set(key, start, nx=True)
            pipeline.incr(key)
        pipeline.execute()
