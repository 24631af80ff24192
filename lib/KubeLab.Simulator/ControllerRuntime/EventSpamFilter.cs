namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// client-go's EventSourceObjectSpamFilter (tools/record/events_cache.go): one token bucket per source and involved object,
/// 25 events at once and then one more every 5 minutes (defaultSpamBurst, defaultSpamQPS = 1/300). An event past the budget
/// is not written at all, which is why a large scale-up shows only the first couple of dozen events of its ReplicaSet.
/// Hand-written rather than System.Threading.RateLimiting: that limiter refills on real time, this one on the cluster clock.
/// </summary>
internal sealed class EventSpamFilter(TimeProvider time)
{
    public const int Burst = 25;
    public const double RefillPerSecond = 1.0 / 300;
    private const int MaxKeys = 4096; // maxLruCacheEntries

    private readonly Util.BoundedCache<string, Bucket> buckets = new(MaxKeys);

    /// <summary>True when the event is to be dropped (getSpamKey: source component and host, the involved object).</summary>
    public bool Skip(string component, string? host, k8s.Models.V1ObjectReference involved)
    {
        var key = string.Join('\u0000', component, host, involved.Kind, involved.NamespaceProperty, involved.Name, involved.Uid, involved.ApiVersion);
        var now = time.GetUtcNow();
        if (!buckets.TryGetValue(key, out var bucket))
        {
            bucket = new Bucket(Burst, now);
            buckets.Set(key, bucket);
        }
        return !bucket.TryTake(now);
    }

    /// <summary>golang.org/x/time/rate as flowcontrol's token bucket uses it: starts full, refills continuously up to the burst.</summary>
    private sealed class Bucket(double tokens, DateTimeOffset last)
    {
        public bool TryTake(DateTimeOffset now)
        {
            lock (this)
            {
                if (now > last)
                {
                    tokens = Math.Min(Burst, tokens + (now - last).TotalSeconds * RefillPerSecond);
                    last = now;
                }
                if (tokens < 1) return false;
                tokens--;
                return true;
            }
        }
    }
}
