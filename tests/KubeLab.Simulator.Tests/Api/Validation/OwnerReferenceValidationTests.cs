namespace KubeLab.Simulator.Tests.Api.Validation;

/// <summary>apimachinery ValidateOwnerReferences (pkg/api/validation/objectmeta.go), applied to every kind.</summary>
public sealed class OwnerReferenceValidationTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private async Task<(int Code, string Message)> CreateAsync(string ownerReferences)
    {
        var ns = await f.NewNamespaceAsync();
        var body = $$$"""{"metadata":{"name":"cm","ownerReferences":{{{ownerReferences}}}},"data":{"k":"v"}}""";
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", body);
        return (code, status?["message"]?.GetValue<string>() ?? "");
    }

    [Theory]
    [InlineData("""[{"apiVersion":"apps/v1","kind":"Deployment","name":"web"}]""", "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty")]
    [InlineData("""[{"apiVersion":"apps/","kind":"Deployment","name":"web","uid":"u1"}]""", "metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must not be empty")]
    [InlineData("""[{"apiVersion":"v1","name":"web","uid":"u1"}]""", "metadata.ownerReferences.kind: Invalid value: \"\": kind must not be empty")]
    [InlineData("""[{"apiVersion":"v1","kind":"Pod","uid":"u1"}]""", "metadata.ownerReferences.name: Invalid value: \"\": name must not be empty")]
    [InlineData("""[{"apiVersion":"v1","kind":"Event","name":"e","uid":"u1"}]""", "/v1, Kind=Event is disallowed from being an owner")]
    [InlineData("""[{"apiVersion":"v1","kind":"Pod","name":"a","uid":"u1","controller":true},{"apiVersion":"v1","kind":"Pod","name":"b","uid":"u2","controller":true}]""",
        "Only one reference can have Controller set to true. Found \"true\" in references for Pod/a and Pod/b")]
    public async Task Incomplete_or_forbidden_owner_references_are_refused(string refs, string expected)
    {
        var (code, message) = await CreateAsync(refs);
        Assert.Equal(422, code);
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task A_complete_reference_to_an_owner_that_does_not_exist_is_accepted()
    {
        // Validation does not look the owner up; the garbage collector deals with a missing owner later.
        var (code, message) = await CreateAsync("""[{"apiVersion":"apps/v1","kind":"Deployment","name":"gone","uid":"1c9f0000-0000-4000-8000-000000000001"}]""");
        Assert.True(code == 201, message);
    }
}
