"""scripts/plot_benchmarks.py renders a PNG for every CSV that has rows and skips the others."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plot_benchmarks  # noqa: E402  (found through the path set above)

CSVS = {
    "model-cost.csv": "architecture,N,C,B,threads,device,ms_median,scorings_per_s,users_per_s,skipped_reason\n"
                      "attn_mvp,64,100,1,1,cpu,0.94,106546,1065.5,\n"
                      "attn_mvp,256,100,1,1,cpu,2.22,44992,449.9,\n"
                      "interleaved,256,100,32,1,cpu,,,,\"skipped: > 5 s per call\"\n",
    "user-scale.csv": "variant,users,entries_per_user,value_bytes_per_user,loaded_sst_bytes_per_user,"
                      "compacted_sst_bytes_per_user,load_s,full_checkpoint_bytes,full_checkpoint_s,"
                      "incremental_checkpoint_bytes,incremental_checkpoint_s,restore_s\n"
                      "movielens,10000,109.6,1795,1834,1834,2.1,18363014,0.92,212717,0.12,0.64\n"
                      "movielens,100000,107.9,1768,1807,1807,9.2,180741370,2.89,156000000,0.84,1.22\n",
    "scoring-latency.csv": "load_fraction,offered_per_s,achieved_per_s,p50_ms,p99_ms,p999_ms\n",
}


def test_renders_the_plots_with_data_and_skips_the_rest(tmp_path: Path, capsys) -> None:
    data, img = tmp_path / "data", tmp_path / "img"
    data.mkdir()
    for name, text in CSVS.items():
        (data / name).write_text(text)

    written = plot_benchmarks.main(data, img)

    assert sorted(p.name for p in written) == ["model-cost-vs-n.png", "state-size-vs-users.png"]
    assert all(p.stat().st_size > 0 and p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in written)
    out = capsys.readouterr().out
    assert "skipped scoring-throughput-vs-batch.png" in out  # no CSV
    assert "skipped scoring-latency-vs-load.png" in out  # header only
