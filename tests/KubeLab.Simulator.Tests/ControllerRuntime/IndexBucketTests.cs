using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Tests.ControllerRuntime;

/// <summary>An index bucket keeps its rows densely and removes by moving the last row into the gap (swap-remove).</summary>
public class IndexBucketTests
{
    private static string[] Sorted(IndexBucket<string> bucket) => bucket.Rows.ToArray().Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_row_moved_into_a_gap_is_still_found_by_its_key()
    {
        var bucket = new IndexBucket<string>();
        foreach (var key in new[] { "a", "b", "c", "d", "e" }) bucket.Set(key, key + "1");

        Assert.True(bucket.Remove("a")); // e moves into a's slot
        Assert.True(bucket.Remove("e")); // and is removed from there, not from its old slot
        Assert.False(bucket.Remove("e"));
        bucket.Set("d", "d2");           // replaced in place, not added twice
        Assert.True(bucket.Remove("c")); // the last-but-one: d moves again
        bucket.Set("d", "d3");

        Assert.Equal(["b1", "d3"], Sorted(bucket));
        Assert.Equal(2, bucket.Count);
        Assert.True(bucket.Remove("b"));
        Assert.True(bucket.Remove("d"));
        Assert.Equal(0, bucket.Count);
        Assert.True(bucket.Rows.IsEmpty);
    }

    [Fact]
    public void Any_order_of_sets_and_removes_leaves_each_current_row_exactly_once()
    {
        var random = new Random(7);
        var bucket = new IndexBucket<(string Key, int Version)>();
        var expected = new Dictionary<string, (string, int)>();
        for (var step = 0; step < 5_000; step++)
        {
            var key = "k" + random.Next(40);
            if (random.Next(3) == 0)
                Assert.Equal(expected.Remove(key), bucket.Remove(key));
            else
            {
                expected[key] = (key, step);
                bucket.Set(key, (key, step));
            }
            Assert.Equal(expected.Values.Order(), bucket.Rows.ToArray().Order());
        }
    }
}
