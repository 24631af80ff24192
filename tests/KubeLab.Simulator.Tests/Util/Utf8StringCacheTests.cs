using System.Text;
using System.Text.Json;
using KubeLab.Simulator.Util;

namespace KubeLab.Simulator.Tests.Util;

public class Utf8StringCacheTests
{
    /// <summary>What <see cref="SharedStrings.Read"/> does with a cache and table of the test's own.</summary>
    private static string Get(Utf8StringCache cache, StringTable table, string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        return cache.Find(utf8, out var slot) ?? cache.Store(slot, utf8, table.Get(text));
    }

    /// <summary>The first token of <paramref name="json"/> (a string or, in an object, a property name) through SharedStrings.</summary>
    private static string Read(string json) => Read(Encoding.UTF8.GetBytes(json));

    private static string Read(byte[] utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        reader.Read();
        if (reader.TokenType == JsonTokenType.StartObject) reader.Read();
        return SharedStrings.Read(ref reader);
    }

    [Fact]
    public void The_same_bytes_give_the_same_instance()
    {
        var cache = new Utf8StringCache(64);
        var table = new StringTable(1024);
        var first = Get(cache, table, new string("nginx:1.25"));
        Assert.Equal("nginx:1.25", first);
        Assert.Same(first, Get(cache, table, new string("nginx:1.25")));
        Assert.Same(first, cache.Find("nginx:1.25"u8, out _));

        // Through the shared pool: a value and a property name of the same text are one instance.
        Assert.Same(Read("\"kube-system-7f3a\""), Read("{\"kube-system-7f3a\":1}"));
    }

    [Fact]
    public void Strings_colliding_in_one_slot_both_come_back_correct()
    {
        var cache = new Utf8StringCache(1);
        var table = new StringTable(1024);
        var alpha = Get(cache, table, "alpha");
        Assert.Same(alpha, cache.Find("alpha"u8, out _));
        Assert.Null(cache.Find("betas"u8, out var slot)); // the same length, the same slot, other bytes
        Assert.Equal(0, slot);
        Assert.Equal("betas", Get(cache, table, "betas"));
        Assert.Null(cache.Find("alpha"u8, out _));         // evicted…
        Assert.Same(alpha, Get(cache, table, "alpha"));    // …and still shared through the table
        Assert.Null(cache.Find("alph"u8, out _));          // a prefix is another string
        Assert.Equal("", Get(cache, table, ""));

        var small = new Utf8StringCache(2);
        var texts = Enumerable.Range(0, 100).Select(i => $"app-{i}").ToArray();
        for (var round = 0; round < 3; round++)
            foreach (var text in texts)
                Assert.Equal(text, Get(small, table, text));
    }

    [Fact]
    public void Escaped_strings_are_decoded_and_shared_with_their_unescaped_form()
    {
        Assert.Equal("abc", Read("\"a\\u0062c\""));
        Assert.Equal("abc", Read("{\"a\\u0062c\":true}"));
        Assert.Equal("line\nbreak \"quoted\" é", Read("\"line\\nbreak \\\"quoted\\\" \\u00e9\""));
        Assert.Same(Read("\"esc-\\u0061pe-test\""), Read("\"esc-ape-test\""));
    }

    [Fact]
    public void Long_and_multi_byte_strings_are_correct()
    {
        foreach (var length in new[] { 1, 7, 8, 9, 127, 128, 129, 300 })
        {
            var text = string.Concat(Enumerable.Range(0, length).Select(i => (char)('a' + i % 26)));
            Assert.Equal(text, Read($"\"{text}\""));
            Assert.Equal(text, Read($"\"{text}\"")); // the second time from the cache when short
        }
        foreach (var text in new[] { "日本語のラベル", new string('é', 64), new string('é', 65), "emoji 🚀 label" })
        {
            Assert.Equal(text, Read($"\"{text}\""));
            Assert.Equal(text, Read($"\"{text}\""));
        }
    }

    [Fact]
    public void Invalid_utf8_is_refused_every_time_never_cached()
    {
        byte[] invalid = [(byte)'"', (byte)'x', 0xFF, 0xFE, (byte)'"'];
        Assert.Throws<InvalidOperationException>(() => Read(invalid));
        Assert.Throws<InvalidOperationException>(() => Read(invalid));
    }

    [Fact]
    public void Concurrent_readers_always_get_the_right_strings()
    {
        var shared = new Utf8StringCache(8); // few slots: constant overwriting of one another's entries
        var table = new StringTable(64);     // small: cleared again and again too
        var texts = Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? $"node-{i}" : $"label-value-{i}-{new string('x', i % 40)}").ToArray();
        var json = texts.Select(t => Encoding.UTF8.GetBytes($"\"{t}\"")).ToArray();
        var failures = 0;
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            for (var n = 0; n < 50_000; n++)
            {
                var i = random.Next(texts.Length);
                if (Get(shared, table, texts[i]) != texts[i]) Interlocked.Increment(ref failures);
                if (Read(json[i]) != texts[i]) Interlocked.Increment(ref failures);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(0, failures);
    }

    [Fact]
    public void A_hit_allocates_nothing_and_similar_names_spread_over_the_slots()
    {
        var cache = new Utf8StringCache(1 << 14);
        var table = new StringTable(4096);
        var names = Enumerable.Range(0, 1000).Select(i => Encoding.UTF8.GetBytes($"web-7c9d8f6b5-{i}")).ToArray();
        var slots = new HashSet<int>();
        foreach (var name in names)
        {
            Assert.Null(cache.Find(name, out var slot));
            slots.Add(slot);
        }
        // A random spread of 1,000 keys over 16,384 slots shares ~30 of them; a weak hash shares far more.
        Assert.True(slots.Count > 950, $"{slots.Count} distinct slots");

        var hot = Encoding.UTF8.GetBytes("kubernetes.io/config.seen");
        Get(cache, table, "kubernetes.io/config.seen");
        var hits = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var n = 0; n < 1_000; n++)
            if (cache.Find(hot, out _) is not null) hits++;
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1_000); // a few hundred bytes may be the JIT's
        Assert.Equal(1_000, hits);
    }
}
