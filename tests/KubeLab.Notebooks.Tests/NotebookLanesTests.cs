using KubeLab.Runner;

namespace KubeLab.Notebooks.Tests;

/// <summary>How <c>kubelab run</c> splits a course over simulated clusters running side by side.</summary>
public sealed class NotebookLanesTests
{
    private static readonly Dictionary<string, int> Seconds = new() { ["00"] = 10, ["01"] = 30, ["02"] = 10, ["03"] = 20, ["04"] = 60, ["05"] = 20 };

    [Fact]
    public void Longest_chapters_go_first_onto_the_lightest_lane_and_each_lane_keeps_chapter_order()
    {
        var lanes = NotebookLanes.Split(Seconds.Keys.ToList(), 2, n => TimeSpan.FromSeconds(Seconds[n]));

        // LPT: 04 (60) → A; 01 (30) → B; 03 (20) → B (50); 05 (20) → B (70); 00 (10) → A (70); 02 (10) → the first of two equal lanes, A (80).
        Assert.Equal([["00", "02", "04"], ["01", "03", "05"]], lanes.Select(l => l.ToArray()).ToArray());
        Assert.Equal(150, lanes.Sum(l => l.Sum(n => Seconds[n])));
        Assert.True(Math.Abs(lanes[0].Sum(n => Seconds[n]) - lanes[1].Sum(n => Seconds[n])) <= 10);
    }

    [Fact]
    public void No_more_lanes_than_notebooks_and_one_lane_is_the_whole_run_in_order()
    {
        Assert.Single(NotebookLanes.Split(["only"], 4, _ => TimeSpan.FromSeconds(5)));
        Assert.Equal(Seconds.Keys, NotebookLanes.Split(Seconds.Keys.ToList(), 1, n => TimeSpan.FromSeconds(Seconds[n])).Single());
        Assert.Throws<ArgumentOutOfRangeException>(() => NotebookLanes.Split(["a"], 0, _ => TimeSpan.Zero));
    }

    [Fact]
    public void A_chapter_weighs_what_its_opening_cell_states_and_a_notebook_without_a_statement_weighs_30_s()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), NotebookLanes.StatedSimulatorTime(Path.Combine(TestPaths.NotebooksDirectory, "04-jobs-and-cronjobs.ipynb")));
        Assert.Equal(TimeSpan.FromSeconds(10), NotebookLanes.StatedSimulatorTime(Path.Combine(TestPaths.NotebooksDirectory, "00-introduction.ipynb")));
        Assert.Equal(NotebookLanes.UnstatedTime, NotebookLanes.StatedSimulatorTime(TestPaths.TestNotebook("outputs")));
    }
}
