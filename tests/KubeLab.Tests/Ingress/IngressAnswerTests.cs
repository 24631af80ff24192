namespace KubeLab.Tests.Ingress;

public sealed class IngressAnswerTests
{
    [Fact]
    public void A_body_with_exit_0_names_the_backend()
    {
        var a = IngressAnswer.Parse("shop.example.com", "/", "shop\nrc=0\n");
        Assert.True(a.Ok);
        Assert.Equal("shop", a.Body);
        Assert.Equal("shop", a.Backend);
    }

    [Theory]
    [InlineData("wget: server returned error: HTTP/1.1 404 Not Found\n\nrc=1\n", "404")]
    [InlineData("wget: server returned error: HTTP/1.1 500 Internal Server Error\n\nrc=1\n", "500")]
    [InlineData("wget: can't connect to remote host (172.18.0.5): Connection refused\n\nrc=1\n", "error")]
    public void A_failed_wget_is_reported_by_its_http_status(string output, string backend)
    {
        var a = IngressAnswer.Parse("x", "/", output);
        Assert.False(a.Ok);
        Assert.Equal(backend, a.Backend);
        Assert.StartsWith("wget:", a.Error);
    }

    [Fact]
    public void A_heatmap_has_one_row_per_host_and_the_backend_in_each_cell()
    {
        var cells = new Dictionary<(string, string), IngressAnswer>
        {
            [("a.example.com", "/")] = new("a.example.com", "/", true, "shop", ""),
            [("a.example.com", "/api")] = new("a.example.com", "/api", true, "api", ""),
            [("b.example.com", "/")] = new("b.example.com", "/", false, "", "wget: server returned error: HTTP/1.1 404 Not Found"),
            [("b.example.com", "/api")] = new("b.example.com", "/api", true, "shop", ""),
        };
        var m = new RequestMatrix(["a.example.com", "b.example.com"], ["/", "/api"], cells);
        Assert.Equal("404", m["b.example.com", "/"].Backend);
        Assert.Equal("api", m.Rows()[0]["/api"]);
        var json = System.Text.Json.Nodes.JsonNode.Parse(m.ToHeatmap().SpecJson)!;
        var trace = json["traces"]![0]!;
        Assert.Equal("heatmap", (string?)trace["type"]);
        // Backends sorted ordinally: 404 = 0, api = 1, shop = 2.
        Assert.Equal("[[2,1],[0,2]]", trace["z"]!.ToJsonString());
        Assert.Equal("[[\"shop\",\"api\"],[\"404\",\"shop\"]]", trace["cellText"]!.ToJsonString());
    }
}
