using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Printing;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.CustomResources;

/// <summary>
/// One served version of a CustomResourceDefinition, as apiextensions-apiserver's crdHandler keeps it per CRD
/// (apiserver/customresource_handler.go crdInfo): names, scope, the structural schema, printer columns, subresources.
/// </summary>
public sealed class CustomResource
{
    public required string Singular { get; init; }
    public required string ListKind { get; init; }
    /// <summary>spec.versions[*].schema.openAPIV3Schema (structural; validated when the CRD was written).</summary>
    public required JsonObject? Schema { get; init; }
    public required KindPrinter Printer { get; init; }
    public required bool StatusSubresource { get; init; }
    public required ScaleSubresource? Scale { get; init; }
    /// <summary>The CRD carries the Terminating condition: objects are still served, but none can be created.</summary>
    public required bool Terminating { get; init; }
    /// <summary>Bucket of the objects in the store, shared by every version and kept across CRD updates (one per CRD uid).</summary>
    public required ResourceType StorageKey { get; init; }
    /// <summary>A hash of the CRD's spec: the OpenAPI document's hash changes with it (status-only writes leave it alone).</summary>
    public required string SpecHash { get; init; }
}

/// <summary>spec.versions[*].subresources.scale: where the Scale's replicas and selector live in the custom object.</summary>
public sealed record ScaleSubresource(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);
