using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// Writes JSON as Go's encoding/json does (encode.go appendString with escapeHTML, the default of json.Marshal and of
/// the apiserver's serializer): <c>"</c> as <c>\"</c>, <c>&lt;</c> <c>&gt;</c> <c>&amp;</c> as <c>\u003c</c> <c>\u003e</c>
/// <c>\u0026</c>, U+2028/U+2029 escaped, other control characters as <c>\n</c> <c>\t</c>… or <c>\u00XX</c> (lower-case hex),
/// every other character – including non-ASCII – as it is; invalid UTF-16 (lone surrogates) becomes <c>\ufffd</c>.
/// </summary>
public static class GoJson
{
    public static string Serialize(JsonNode? node)
    {
        var b = new StringBuilder();
        Write(b, node);
        return b.ToString();
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
                foreach (var (key, value) in o)
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
            default: b.Append(node.ToJsonString()); return;   // numbers: their literal (no escaping involved)
        }
    }

    public static void WriteString(StringBuilder b, string s)
    {
        b.Append('"');
        for (var i = 0; i < s.Length; i++)
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
