namespace KubeLab.Simulator.Api.Registry;

/// <summary>One REST resource the API server serves (what an APIResource entry in discovery describes).</summary>
public sealed record ResourceType(
    string Group, string Version, string Kind, string Plural, bool Namespaced,
    string[] ShortNames, string[] Categories, bool HasStatus = false, bool HasScale = false, bool Computed = false, bool CreateOnly = false)
{
    // Computed: read-only, answered from live state rather than stored (metrics.k8s.io, served by metrics-server in a real cluster).
    // CreateOnly: only POSTed and answered, never stored (the access reviews, SelfSubjectReview, TokenReview).

    /// <summary>Set for a version of a CustomResourceDefinition (apiextensions-apiserver serves it from the CRD: data, not a C# type).</summary>
    public CustomResources.CustomResource? Custom { get; init; }

    public string Singular => Custom?.Singular ?? Kind.ToLowerInvariant();
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    /// <summary>Group-qualified resource name used in error messages, e.g. <c>pods</c> or <c>replicasets.apps</c>.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
    public bool HasSpec => Custom is not null || Kind is not ("ConfigMap" or "Secret" or "ServiceAccount" or "Endpoints" or "Event" or "Namespace" or "Node"
        or "ControllerRevision" or "StorageClass" or "EndpointSlice" or "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding");
    public override string ToString() => QualifiedName;
}
