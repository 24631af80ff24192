using System.Text.Json.Nodes;
using CsCheck;

namespace KubeLab.Simulator.Tests.Fuzz;

/// <summary>
/// Generators of JSON values of every type: the odd ones a schema does not expect (wrong types, huge or fractional numbers,
/// control characters, deep nesting). Each sample builds fresh nodes, so the results can be attached to a document.
/// </summary>
public static class JsonGen
{
    public static readonly Gen<string> Text = Gen.OneOf<string>(
        Gen.String.AlphaNumeric,
        Gen.String,
        Gen.OneOf("", " ", "-", "a.b", "A_B", "0", "-1", "1e999", "null", "true", "\u0000", "é", "🙂", "${x}", "a/b", "~1", "..",
            "nginx:1.27", "busybox", "100m", "1Gi", "8080", "TCP", "Always", "Never", "RollingUpdate", "25%", "2024-01-01T00:00:00Z",
            new string('x', 64), new string('y', 300)));

    public static readonly Gen<JsonNode?> Scalar = Gen.Frequency(
        (1, Gen.Const<JsonNode?>(() => null)),
        (2, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (3, Gen.Int[-3, 5].Select(i => (JsonNode?)JsonValue.Create(i))),
        (1, Gen.OneOf(int.MaxValue, int.MinValue, long.MaxValue, 1L << 53).Select(l => (JsonNode?)JsonValue.Create(l))),
        (1, Gen.OneOf(0.5, -1.25, 1e300, 3.0).Select(d => (JsonNode?)JsonValue.Create(d))),
        (4, Text.Select(s => (JsonNode?)JsonValue.Create(s))));

    public static readonly Gen<string> Key = Gen.OneOf<string>(
        Gen.String.AlphaNumeric!.Where(s => s.Length > 0),
        Gen.OneOf("name", "image", "app", "x-unknown", "$patch", "$retainKeys", "apiVersion", "kind", "metadata", "spec", "status",
            "a.b/c", "", "-", "containers", "labels", "replicas", "data"));

    /// <summary>Any JSON value, objects and arrays nested up to a few levels.</summary>
    public static readonly Gen<JsonNode?> Value = Gen.Recursive<JsonNode?>((depth, self) =>
        depth >= 4 ? Scalar : Gen.Frequency(
            (5, Scalar),
            (1, self.List[0, 4].Select(items => (JsonNode?)new JsonArray([.. items]))),
            (1, Gen.Select(Key.List[0, 4], self.List[4], (keys, values) => (JsonNode?)Object(keys, values)))));

    /// <summary>Text that is JSON nested far deeper than any decoder allows.</summary>
    public static readonly Gen<string> DeeplyNested = Gen.Select(Gen.Int[50, 3000], Gen.Bool, (n, arrays) =>
        arrays ? new string('[', n) + new string(']', n) : string.Concat(Enumerable.Repeat("{\"a\":", n)) + "1" + new string('}', n));

    private static JsonObject Object(IList<string> keys, IList<JsonNode?> values)
    {
        var o = new JsonObject();
        for (var i = 0; i < keys.Count; i++) o[keys[i]] = values[i];
        return o;
    }

    /// <summary>Sets <paramref name="path"/> (dot-separated, <c>#n</c> an array index) to a value, creating what is missing.</summary>
    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        JsonNode node = root;
        var parts = path.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            var part = parts[i];
            if (part.StartsWith('#') && node is JsonArray arr)
            {
                var index = int.Parse(part[1..], System.Globalization.CultureInfo.InvariantCulture);
                while (arr.Count <= index) arr.Add(new JsonObject());
                if (last) { arr[index] = value; return; }
                if (arr[index] is not (JsonObject or JsonArray)) arr[index] = parts[i + 1].StartsWith('#') ? new JsonArray() : new JsonObject();
                node = arr[index]!;
            }
            else if (node is JsonObject obj)
            {
                if (last) { obj[part] = value; return; }
                if (obj[part] is not (JsonObject or JsonArray)) obj[part] = parts[i + 1].StartsWith('#') ? new JsonArray() : new JsonObject();
                node = obj[part]!;
            }
            else return; // a scalar or an array where a name goes: leave it
        }
    }

    /// <summary>Removes the value at a dot path if it is there.</summary>
    public static void Remove(JsonObject root, string path)
    {
        var parts = path.Split('.');
        JsonNode? node = root;
        for (var i = 0; i < parts.Length - 1 && node is not null; i++)
            node = parts[i].StartsWith('#') ? node is JsonArray a && int.Parse(parts[i][1..], System.Globalization.CultureInfo.InvariantCulture) is var n && n < a.Count ? a[n] : null
                : (node as JsonObject)?[parts[i]];
        if (node is JsonObject o) o.Remove(parts[^1]);
    }

    /// <summary>
    /// Keeps generated workloads small: a replica count above 3 becomes 3, so a fuzzed Deployment cannot ask the controllers for
    /// thousands of pods (a legal request that would only measure the machine).
    /// </summary>
    public static JsonNode? Tame(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList())
                {
                    if (k == "replicas" && v is JsonValue jv && jv.TryGetValue<double>(out var d) && d > 3) o[k] = 3;
                    else Tame(v);
                }
                break;
            case JsonArray a:
                foreach (var v in a) Tame(v);
                break;
        }
        return node;
    }
}
