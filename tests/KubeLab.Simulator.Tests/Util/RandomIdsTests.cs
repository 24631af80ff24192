using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using KubeLab.Simulator.Util;

namespace KubeLab.Simulator.Tests.Util;

public class RandomIdsTests
{
    [Fact]
    public void Uids_are_version_4_uuids_and_never_repeat_across_threads_and_pool_refills()
    {
        var seen = new ConcurrentDictionary<string, byte>();
        // 4 threads × 2,000 uids: each thread's 4 KB pool refills several times (16 bytes a uid).
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var uid = RandomIds.NewUid();
                Assert.Matches(new Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"), uid);
                Assert.True(seen.TryAdd(uid, 0), $"uid {uid} was handed out twice");
            }
        });
        Assert.Equal(8_000, seen.Count);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(5000)] // larger than the pool: drawn directly
    public void Hex_ids_have_the_asked_length_and_differ(int bytes)
    {
        var a = RandomIds.Hex(bytes);
        var b = RandomIds.Hex(bytes);
        Assert.Matches(new Regex($"^[0-9a-f]{{{bytes * 2}}}$"), a);
        Assert.NotEqual(a, b);
    }
}
