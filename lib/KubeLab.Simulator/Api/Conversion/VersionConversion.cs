using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Conversion;

/// <summary>
/// Resources served in a version other than the one their objects are stored in (<see cref="ResourceRegistry.StorageType"/>):
/// events.k8s.io/v1 Events (stored as core/v1) and autoscaling/v1 HorizontalPodAutoscalers (stored as autoscaling/v2).
/// Every read is converted to the requested version, every write back to the stored one, as kube-apiserver's codecs do.
/// </summary>
public static class VersionConversion
{
    public static bool Converts(ResourceType t) => EventConversion.Applies(t) || IsHpaV1(t);

    private static bool IsHpaV1(ResourceType t) => t.Group == "autoscaling" && t.Version == "v1" && t.Kind == "HorizontalPodAutoscaler";

    /// <summary>A stored object in the version <paramref name="t"/> serves (a new object).</summary>
    public static JsonObject ToServed(ResourceType t, JsonObject stored)
        => EventConversion.Applies(t) ? EventConversion.ToEventsV1(stored)
            : IsHpaV1(t) ? HorizontalPodAutoscalerV1Conversion.ToV1(stored)
            : stored;

    /// <summary>A body in the version <paramref name="t"/> serves, converted to the stored version.</summary>
    public static JsonObject ToStored(ResourceType t, JsonObject body)
        => EventConversion.Applies(t) ? EventConversion.ToCore(body)
            : IsHpaV1(t) ? HorizontalPodAutoscalerV1Conversion.ToStored(body)
            : body;

    /// <summary>Field selectors name the served version's fields; the store holds the stored ones.</summary>
    public static string? StoredFieldSelector(ResourceType t, string? selector)
        => EventConversion.Applies(t) ? EventConversion.CoreFieldSelector(selector) : selector;
}
