using System.Text.Json.Nodes;

namespace KubeLab.Tests.Ingress;

public sealed class RouteConditionTests
{
    [Fact]
    public void One_row_per_parent_condition()
    {
        var route = JsonNode.Parse("""
            {"metadata":{"name":"broken"},"status":{"parents":[{"parentRef":{"name":"web-gw"},"controllerName":"kind.sigs.k8s.io/gateway-controller",
             "conditions":[{"type":"Accepted","status":"True","reason":"Accepted","message":"Route is accepted"},
                           {"type":"ResolvedRefs","status":"False","reason":"BackendNotFound","message":"backend not found"}]}]}}
            """)!.AsObject();
        var rows = RouteCondition.From(route);
        Assert.Equal(2, rows.Count);
        Assert.Equal(new RouteCondition("broken", "web-gw", "ResolvedRefs", "False", "BackendNotFound", "backend not found"), rows[1]);
        Assert.Empty(RouteCondition.From(JsonNode.Parse("""{"metadata":{"name":"new"}}""")!.AsObject()));
    }
}
