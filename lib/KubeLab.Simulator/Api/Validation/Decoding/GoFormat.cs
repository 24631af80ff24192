using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Validation.Decoding;

/// <summary>Go's fmt verbs for decoded JSON: <c>%+v</c> of a map[string]interface{} and <c>%q</c> of a string.</summary>
public static class GoFormat
{
    /// <summary>fmt's %v: maps as <c>map[k:v k2:v2]</c> with sorted keys, slices as <c>[a b]</c>, nil as <c>&lt;nil&gt;</c>.</summary>
    public static string Value(JsonNode? node) => node switch
    {
        null => "<nil>",
        JsonObject o => "map[" + string.Join(" ", o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}:{Value(kv.Value)}")) + "]",
        JsonArray a => "[" + string.Join(" ", a.Select(Value)) + "]",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => node.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "<nil>",
            _ => node.ToJsonString(),
        },
    };

    /// <summary>strconv.Quote: double quotes, backslash escapes, printable Unicode kept as is.</summary>
    public static string Quote(string s)
    {
        var b = new StringBuilder(s.Length + 2).Append('"');
        foreach (var r in s.EnumerateRunes())
        {
            switch (r.Value)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                case '\a': b.Append("\\a"); break;
                case '\b': b.Append("\\b"); break;
                case '\f': b.Append("\\f"); break;
                case '\v': b.Append("\\v"); break;
                default:
                    if (r.Value < 0x20 || r.Value == 0x7f) b.Append(CultureInfo.InvariantCulture, $"\\x{r.Value:x2}");
                    else if (Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned
                             or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                        b.Append(r.Value > 0xffff ? "\\U" + r.Value.ToString("x8", CultureInfo.InvariantCulture) : "\\u" + r.Value.ToString("x4", CultureInfo.InvariantCulture));
                    else b.Append(r.ToString());
                    break;
            }
        }
        return b.Append('"').ToString();
    }
}
