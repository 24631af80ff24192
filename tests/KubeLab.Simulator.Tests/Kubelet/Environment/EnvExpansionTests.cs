using KubeLab.Simulator.Kubelet.Environment;

namespace KubeLab.Simulator.Tests.Kubelet.Environment;

public class EnvExpansionTests
{
    private static readonly Dictionary<string, string> Vars = new() { ["VAR_A"] = "A", ["VAR_B"] = "B", ["EMPTY"] = "" };

    [Theory]
    [InlineData("$(VAR_A)", "A")]
    [InlineData("___$(VAR_A)___$(VAR_B)", "___A___B")]
    [InlineData("$(UNDEFINED)", "$(UNDEFINED)")]
    [InlineData("$$(VAR_A)", "$(VAR_A)")]
    [InlineData("$$$(VAR_A)", "$A")]
    [InlineData("$(VAR_A", "$(VAR_A")]
    [InlineData("$VAR_A", "$VAR_A")]
    [InlineData("cost $5", "cost $5")]
    [InlineData("trailing $", "trailing $")]
    [InlineData("$(EMPTY)x", "x")]
    [InlineData("$()", "$()")]
    public void Expands_like_kubernetes(string input, string expected) =>
        Assert.Equal(expected, EnvExpansion.Expand(input, EnvExpansion.Lookup(Vars)));

    [Fact]
    public void Earlier_maps_win() =>
        Assert.Equal("first", EnvExpansion.Expand("$(X)", EnvExpansion.Lookup(new Dictionary<string, string> { ["X"] = "first" },
            new Dictionary<string, string> { ["X"] = "second" })));
}
