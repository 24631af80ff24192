using KubeLab.Simulator.Util;

namespace KubeLab.Simulator.Tests.Util;

public class BoundedCacheTests
{
    [Fact]
    public void Forgets_everything_when_full_and_keeps_what_is_added_then()
    {
        var cache = new BoundedCache<string, int>(3);
        cache.Set("a", 1);
        cache.Set("b", 2);
        cache.Set("a", 10); // an update does not count as an entry
        cache.Set("c", 3);
        Assert.True(cache.TryGetValue("a", out var a));
        Assert.Equal(10, a);

        cache.Set("d", 4); // the fourth entry: the first three are forgotten
        Assert.False(cache.TryGetValue("a", out _));
        Assert.False(cache.TryGetValue("c", out _));
        Assert.True(cache.TryGetValue("d", out var d));
        Assert.Equal(4, d);
    }

    [Fact]
    public void GetOrAdd_returns_the_first_value_for_a_key_and_Remove_frees_its_place()
    {
        var pool = new BoundedCache<string, string>(2, StringComparer.Ordinal);
        var first = new string('x', 3);
        Assert.Same(first, pool.GetOrAdd("xxx", first));
        Assert.Same(first, pool.GetOrAdd("xxx", new string('x', 3)));
        pool.GetOrAdd("y", "y");
        pool.Remove("y");
        pool.GetOrAdd("z", "z"); // two entries again, not three: nothing forgotten
        Assert.True(pool.TryGetValue("xxx", out var kept));
        Assert.Same(first, kept);
    }

    [Fact]
    public void A_string_table_finds_strings_by_their_characters_without_allocating_after_it_forgot()
    {
        // Forgetting starts a new table: a by-characters lookup kept from the old one would miss, and every hit would copy
        // the characters into a new string before finding the shared one.
        var table = new StringTable(2);
        table.Get("a");
        table.Get("b");
        var c = table.Get("ccccccccccccccccc".AsSpan()); // the third: the table starts again
        var chars = "ccccccccccccccccc".AsSpan();
        Assert.Same(c, table.Get(chars)); // warm (JIT) before measuring
        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = table.Get(chars);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Same(c, again);
    }
}
