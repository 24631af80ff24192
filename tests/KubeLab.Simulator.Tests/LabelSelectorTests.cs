using k8s.Models;
using KubeLab.Simulator.Api;

namespace KubeLab.Simulator.Tests;

public class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["env"] = "prod", ["tier"] = "front" };

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app=db", false)]
    [InlineData("env in (prod,staging)", true)]
    [InlineData("env notin (prod,staging)", false)]
    [InlineData("env in (dev)", false)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("missing", false)]
    [InlineData("app=web,env=prod", true)]
    [InlineData("app=web,env=dev", false)]
    [InlineData("app = web , env in ( prod )", true)]
    public void Matches_follows_the_selector_grammar(string selector, bool expected)
        => Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Web));

    [Theory]
    [InlineData("missing!=x")]
    [InlineData("missing notin (a,b)")]
    public void Negative_operators_match_objects_without_the_key(string selector)
        // Kubernetes: "!=" and "notin" select resources that do not have the label at all.
        => Assert.True(LabelSelector.Parse(selector).Matches(Web));

    [Fact]
    public void Empty_selector_matches_everything_including_unlabelled()
    {
        var s = LabelSelector.Parse("");
        Assert.True(s.IsEmpty);
        Assert.True(s.Matches(null));
        Assert.True(s.Matches(Web));
    }

    [Fact]
    public void String_form_is_canonical_sorted_by_key_with_sorted_values()
    {
        Assert.Equal("app=web,tier in (a,b)", LabelSelector.Parse("tier in (b,a),app=web").ToString());
        Assert.Equal("!a,b,c notin (x)", LabelSelector.Parse("c notin (x), b, !a").ToString());
    }

    [Theory]
    [InlineData("x in ()")]
    [InlineData("=web")]
    [InlineData("app in (a")]
    [InlineData("app=we b")]
    [InlineData("a,")]
    [InlineData("bad key=1")]
    [InlineData("app=-bad-")]
    public void Invalid_selectors_throw_FormatException_with_Kubernetes_prefix(string selector)
    {
        var e = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));
        Assert.StartsWith("unable to parse requirement", e.Message);
    }

    [Fact]
    public void Empty_value_is_a_valid_equality_requirement()
    {
        var s = LabelSelector.Parse("app=");
        Assert.True(s.Matches(new Dictionary<string, string> { ["app"] = "" }));
        Assert.False(s.Matches(Web));
    }

    [Fact]
    public void FromV1_null_selects_nothing_and_empty_selects_everything()
    {
        Assert.False(LabelSelector.FromV1(null).Matches(Web));
        Assert.False(LabelSelector.FromV1(null).IsEmpty);
        Assert.True(LabelSelector.FromV1(new V1LabelSelector()).Matches(Web));
        Assert.True(LabelSelector.FromV1(new V1LabelSelector()).IsEmpty);
    }

    [Fact]
    public void FromV1_combines_matchLabels_and_matchExpressions()
    {
        var s = LabelSelector.FromV1(new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions =
            [
                new V1LabelSelectorRequirement { Key = "env", OperatorProperty = "In", Values = ["prod", "qa"] },
                new V1LabelSelectorRequirement { Key = "legacy", OperatorProperty = "DoesNotExist" },
                new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = "Exists" },
                new V1LabelSelectorRequirement { Key = "zone", OperatorProperty = "NotIn", Values = ["b"] },
            ],
        });
        Assert.True(s.Matches(Web));
        Assert.False(s.Matches(new Dictionary<string, string>(Web) { ["legacy"] = "1" }));
        Assert.False(s.Matches(new Dictionary<string, string>(Web) { ["zone"] = "b" }));
        Assert.Equal("app=web,env in (prod,qa),!legacy,tier,zone notin (b)", s.ToString());
    }

    [Fact]
    public void FromV1_rejects_unknown_operator()
        => Assert.Throws<FormatException>(() => LabelSelector.FromV1(new V1LabelSelector
        {
            MatchExpressions = [new V1LabelSelectorRequirement { Key = "a", OperatorProperty = "Near", Values = ["b"] }],
        }));
}
