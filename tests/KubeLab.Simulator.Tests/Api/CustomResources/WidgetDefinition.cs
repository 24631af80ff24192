using System.Text.Json.Nodes;
using k8s;

namespace KubeLab.Simulator.Tests.Api.CustomResources;

/// <summary>A Widget CRD in a group of its own per test (CRDs are cluster-wide; each test class shares one cluster).</summary>
internal static class WidgetDefinition
{
    public static string NewGroup(string prefix) => $"{prefix}{Guid.NewGuid().ToString("N")[..6]}.example.com";

    public static string Yaml(string group, string scope = "Namespaced", string categories = "[]") => $"""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.{group}
        spec:
          group: {group}
          scope: {scope}
          names:
            plural: widgets
            singular: widget
            kind: Widget
            shortNames: [wd]
            categories: {categories}
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {"{}"}
              scale:
                specReplicasPath: .spec.replicas
                statusReplicasPath: .status.replicas
                labelSelectorPath: .status.selector
            additionalPrinterColumns:
            - name: Size
              type: integer
              jsonPath: .spec.size
            - name: Color
              type: string
              jsonPath: .spec.color
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    description: WidgetSpec says how the widget is built.
                    required: [size]
                    properties:
                      size:
                        type: integer
                        minimum: 1
                        maximum: 10
                        description: Number of parts in the widget.
                      color:
                        type: string
                        enum: [red, blue]
                        default: red
                      label:
                        type: string
                        maxLength: 5
                        pattern: '^[a-z]+$'
                      tags:
                        type: array
                        maxItems: 2
                        items:
                          type: string
                      extra:
                        type: object
                        x-kubernetes-preserve-unknown-fields: true
                      replicas:
                        type: integer
                  status:
                    type: object
                    properties:
                      ready:
                        type: boolean
                      replicas:
                        type: integer
                      selector:
                        type: string
        """;

    public static JsonObject Json(string group, string scope = "Namespaced") => (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(KubernetesYaml.Deserialize<object>(Yaml(group, scope))))!;

    public static string WidgetYaml(string group, string name, string spec) => $"""
        apiVersion: {group}/v1
        kind: Widget
        metadata:
          name: {name}
        spec:
          {spec}
        """;

    /// <summary>Creates the CRD through the API and waits until it is Established (served).</summary>
    public static async Task CreateAsync(ClusterFixture f, string group, string scope = "Namespaced")
    {
        var (code, body) = await f.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Json(group, scope).ToJsonString());
        Assert.True(code == 201, body?.ToJsonString());
        await WaitEstablishedAsync(f, group);
    }

    public static async Task<JsonObject> WaitEstablishedAsync(ClusterFixture f, string group)
    {
        for (var i = 0; i < 200; i++)
        {
            var (_, crd) = await f.SendAsync(HttpMethod.Get, $"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.{group}");
            if ((crd?["status"]?["conditions"] as JsonArray)?.Any(c => c?["type"]?.ToString() == "Established" && c["status"]?.ToString() == "True") == true) return crd!;
            await Task.Delay(50);
        }
        throw new TimeoutException($"widgets.{group} was not established");
    }
}
