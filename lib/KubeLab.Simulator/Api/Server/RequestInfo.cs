using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Server;

/// <summary>What a resource URL addresses (apiserver's RequestInfo): group/version, resource, namespace, name, subresource.</summary>
public sealed record RequestInfo(ResourceType Resource, string? Namespace, string? Name, string? Subresource, bool LegacyWatch)
{
    /// <summary>Parse <c>/api/v1/...</c> or <c>/apis/{group}/{version}/...</c> after the discovery prefix.</summary>
    public static RequestInfo Parse(string group, string version, string[] rest, CustomResources.CustomResourceTypes? custom = null)
    {
        var legacyWatch = false;
        if (rest.Length > 0 && rest[0] == "watch") { legacyWatch = true; rest = rest[1..]; }
        string? ns = null;
        string plural;
        string? name = null, sub = null;
        if (rest.Length >= 3 && rest[0] == "namespaces" && rest[2] is not ("status" or "finalize"))
        {
            ns = rest[1];
            plural = rest[2];
            if (rest.Length > 3) name = rest[3];
            if (rest.Length > 4) sub = rest[4];
            if (rest.Length > 5) throw ApiError.UnknownResource();
        }
        else
        {
            plural = rest[0];
            if (rest.Length > 1) name = rest[1];
            if (rest.Length > 2) sub = rest[2];
            if (rest.Length > 3) throw ApiError.UnknownResource();
        }
        var type = ResourceRegistry.Find(group, version, plural) ?? custom?.Find(group, version, plural) ?? throw ApiError.UnknownResource();
        if (ns is not null && !type.Namespaced) throw ApiError.UnknownResource();
        if (sub is not null && !(sub == "status" && type.HasStatus) && !(sub == "scale" && type.HasScale) && !(sub == "finalize" && type.Kind == "Namespace")
            && !(sub is "binding" or "eviction" && type.Kind == "Pod") && !(sub == "token" && type.Kind == "ServiceAccount"))
            throw ApiError.UnknownResource();
        if (name is { Length: 0 }) name = null;
        return new RequestInfo(type, ns, name, sub, legacyWatch);
    }
}
