using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Conversion;

/// <summary>
/// events.k8s.io/v1 Events share storage with core/v1 Events (as in Kubernetes); only field names differ
/// (regarding ↔ involvedObject, note ↔ message, reportingController ↔ reportingComponent, deprecated* ↔ source/count/timestamps).
/// </summary>
public static class EventConversion
{
    private static readonly (string V1, string Core)[] Renames =
    [
        ("regarding", "involvedObject"), ("note", "message"), ("reportingController", "reportingComponent"),
        ("deprecatedSource", "source"), ("deprecatedFirstTimestamp", "firstTimestamp"), ("deprecatedLastTimestamp", "lastTimestamp"),
        ("deprecatedCount", "count"),
    ];

    public static bool Applies(ResourceType t) => t.Group == "events.k8s.io";

    public static JsonObject ToEventsV1(JsonObject core) => Rename(core, toV1: true, "events.k8s.io/v1");

    public static JsonObject ToCore(JsonObject v1) => Rename(v1, toV1: false, "v1");

    /// <summary>Field selectors of events.k8s.io name the v1 fields; the store holds the core ones.</summary>
    public static string? CoreFieldSelector(string? selector)
    {
        if (selector is null) return null;
        foreach (var (v1, core) in Renames) selector = selector.Replace(v1, core, StringComparison.Ordinal);
        return selector;
    }

    private static JsonObject Rename(JsonObject source, bool toV1, string apiVersion)
    {
        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            var name = key;
            foreach (var (v1, core) in Renames)
                if (toV1 ? key == core : key == v1) name = toV1 ? v1 : core;
            result[name] = value?.DeepClone();
        }
        result["apiVersion"] = apiVersion;
        result["kind"] = "Event";
        return result;
    }
}
