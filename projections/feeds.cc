#include "projections/feeds.h"

#include <array>

namespace shugo::projections {

namespace {

using D = FeedDirection;

// Outbound first (Feeds31() is a prefix), then inbound.
constexpr std::array kFeeds{
    FeedInfo{"F_310-020_IF", "feed_f310_020", "自治体", "月次", D::kOutbound},
    FeedInfo{"F_310-040_IF", "feed_f310_040", "広域連合", "月次", D::kOutbound},
    FeedInfo{"F_310-050_IF", "feed_f310_050", "医療機関", "日次", D::kOutbound},
    FeedInfo{"F_310-060_IF", "feed_f310_060", "管理者（厚生労働省・国保中央会・国保連合会）",
             "日次", D::kOutbound},
    FeedInfo{"F_310-080_IF", "feed_f310_080", "自治体取扱疾病・ワクチン（委託料・助成額）", "日次",
             D::kOutbound},
    FeedInfo{"F_310-090_IF", "feed_f310_090", "医療機関取扱疾病・ワクチン", "日次", D::kOutbound},
    FeedInfo{"F_310-100_IF", "feed_f310_100", "契約先自治体・医療機関", "日次", D::kOutbound},
    FeedInfo{"F_310-110_IF", "feed_f310_110", "医療機関グループ（未判読: project）", "日次",
             D::kOutbound},
    FeedInfo{"F_310-120_IF", "feed_f310_120", "委任状", "日次", D::kOutbound},
    FeedInfo{"F_310-130_IF", "feed_f310_130", "再委任状・再々委任状", "日次", D::kOutbound},
    FeedInfo{"F_310-140_IF", "", "ワクチン・疾病（受信）", "日次", D::kInbound},
    FeedInfo{"F_310-150_IF", "", "オンライン資格確認 医療機関マスタ（受信）", "日次", D::kInbound},
    FeedInfo{"F_310-160_IF", "", "予備（未判読: project）", "日次", D::kInbound},
};

constexpr size_t kOutbound = 10;

}  // namespace

std::span<const FeedInfo> FeedInterfaces() { return kFeeds; }

std::span<const FeedInfo> Feeds31() { return std::span<const FeedInfo>(kFeeds).first(kOutbound); }

}  // namespace shugo::projections
