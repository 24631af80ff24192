using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Util;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// Writes JSON as Go's encoding/json does (encode.go appendString with escapeHTML, the default of json.Marshal and of
/// the apiserver's serializer): <c>"</c> as <c>\"</c>, <c>&lt;</c> <c>&gt;</c> <c>&amp;</c> as <c>\u003c</c> <c>\u003e</c>
/// <c>\u0026</c>, U+2028/U+2029 escaped, other control characters as <c>\n</c> <c>\t</c>… or <c>\u00XX</c> (lower-case hex),
/// every other character – including non-ASCII – as it is; invalid UTF-16 (lone surrogates) becomes <c>\ufffd</c>.
/// </summary>
public static class GoJson
{
    // One builder per thread, reused: every response and watch event is serialised here, and a fresh builder per call
    // (growing chunk by chunk to the size of a pod) was a large share of the API server's garbage.
    [ThreadStatic] private static StringBuilder? cached;
    private const int CachedBuilderLimit = 256 * 1024;
    private const int Slice = 1024;

    public static string Serialize(JsonNode? node)
    {
        var b = cached ?? new StringBuilder(4096);
        cached = null; // a nested call (none today) gets its own builder
        try
        {
            Write(b, node);
            return b.ToString();
        }
        finally
        {
            if (b.Capacity <= CachedBuilderLimit) { b.Clear(); cached = b; }
        }
    }

    /// <summary>
    /// The same text as <see cref="Serialize"/>, as UTF-8 into <paramref name="output"/>, encoded chunk by chunk from the builder
    /// (no intermediate string: responses and watch events are most of what the API server writes).
    /// </summary>
    public static void SerializeUtf8(JsonNode? node, IBufferWriter<byte> output)
    {
        var b = cached ?? new StringBuilder(4096);
        cached = null;
        try
        {
            Write(b, node);
            var encoder = Encoding.UTF8.GetEncoder();
            var chunks = b.GetChunks();
            var more = chunks.MoveNext();
            while (more)
            {
                var chunk = chunks.Current.Span;
                more = chunks.MoveNext();
                // Slices of 1,024 characters keep the requested buffers small. A surrogate pair split across two slices or
                // chunks is joined by the encoder's state: flush only after the very last one.
                for (var at = 0; at < chunk.Length; at += Slice)
                {
                    var slice = chunk.Slice(at, Math.Min(Slice, chunk.Length - at));
                    var last = !more && at + slice.Length == chunk.Length;
                    output.Advance(encoder.GetBytes(slice, output.GetSpan(Encoding.UTF8.GetMaxByteCount(slice.Length)), flush: last));
                }
            }
        }
        finally
        {
            if (b.Capacity <= CachedBuilderLimit) { b.Clear(); cached = b; }
        }
    }

    // One buffer per thread for SerializeToUtf8Bytes, reused like the builder.
    [ThreadStatic] private static ArrayBufferWriter<byte>? cachedBytes;

    /// <summary>
    /// The UTF-8 bytes of <see cref="Serialize"/>, in an array of exactly their length (a watch event's bytes are kept for every
    /// watcher and by the stored version), encoded through a reused buffer rather than an intermediate string.
    /// </summary>
    public static byte[] SerializeToUtf8Bytes(JsonNode? node)
    {
        var buffer = cachedBytes ?? new ArrayBufferWriter<byte>(4096);
        cachedBytes = null;
        try
        {
            SerializeUtf8(node, buffer);
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity <= CachedBuilderLimit) { buffer.ResetWrittenCount(); cachedBytes = buffer; }
        }
    }

    private static void Write(StringBuilder b, JsonNode? node)
    {
        switch (node)
        {
            case null:
                b.Append("null");
                return;
            case JsonObject o:
                b.Append('{');
                var first = true;
                foreach (var (key, value) in o.Members())
                {
                    if (!first) b.Append(',');
                    first = false;
                    WriteString(b, key);
                    b.Append(':');
                    Write(b, value);
                }
                b.Append('}');
                return;
            case JsonArray a:
                b.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) b.Append(',');
                    Write(b, a[i]);
                }
                b.Append(']');
                return;
        }
        switch (node.GetValueKind())
        {
            case JsonValueKind.String: WriteString(b, node.AsValue().TryGetValue<string>(out var text) ? text : JsonSerializer.Deserialize<string>(node.ToJsonString())!); return;
            case JsonValueKind.True: b.Append("true"); return;
            case JsonValueKind.False: b.Append("false"); return;
            case JsonValueKind.Null: b.Append("null"); return;
            default:
                // Numbers: integers directly (the common case, without a JSON writer per number); others as their literal.
                var v = node.AsValue();
                if (v.TryGetValue<long>(out var l)) b.Append(l);
                else if (v.TryGetValue<int>(out var i)) b.Append(i);
                else b.Append(node.ToJsonString());
                return;
        }
    }

    // Characters that need more than a plain copy: escapes, and surrogates (checked for pairing).
    private static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create(
        "\"\\<>&\u2028\u2029" + new string(Enumerable.Range(0, 0x20).Select(c => (char)c).ToArray()) +
        new string(Enumerable.Range(0xD800, 0x800).Select(c => (char)c).ToArray()));

    public static void WriteString(StringBuilder b, string s)
    {
        b.Append('"');
        // Most strings (names, labels, image references) need no escaping: copy up to the first special character at once.
        var plain = s.AsSpan().IndexOfAny(Special);
        if (plain < 0) { b.Append(s).Append('"'); return; }
        b.Append(s.AsSpan(0, plain));
        for (var i = plain; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': b.Append("\\\""); continue;
                case '\\': b.Append("\\\\"); continue;
                case '\n': b.Append("\\n"); continue;
                case '\r': b.Append("\\r"); continue;
                case '\t': b.Append("\\t"); continue;
                case '\b': b.Append("\\b"); continue;
                case '\f': b.Append("\\f"); continue;
                case '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ':
                    b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { b.Append(c).Append(s[++i]); continue; }
            if (char.IsSurrogate(c)) { b.Append("\\ufffd"); continue; }
            b.Append(c);
        }
        b.Append('"');
    }
}
