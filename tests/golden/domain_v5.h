// The domain events written into tests/golden/v5/ (one record each, in this order): the events
// whose fields grew after v4 — a municipality's （旧）全国地方公共団体コード (F-1-1) and the move
// of an institution or 医師会 to another municipality — with every field, and every element of a
// list, set to a value other than its default (see domain_v3.h). Frozen with those files: never
// edit; a new type or field gets a v6 set.
#pragma once

#include <vector>

#include "core/domain_events.h"

namespace shugo::golden {

inline std::vector<core::DomainEvent> DomainV5() {
  using namespace core;
  OrganisationRegistered registered;
  registered.id = 501;
  registered.kind = OrganisationKind::kMunicipality;
  registered.code = "012343";
  registered.name = "北斗市";
  registered.kana = "ホクトシ";
  registered.address = "北海道北斗市中央１丁目３番１０号";
  registered.prefecture = 1;
  registered.municipality = 502;
  registered.parent = 503;
  registered.member_of = 504;
  registered.affiliation = Affiliation::kNoMembership;
  registered.opening_date = JapanDate(2026, 2, 1);
  registered.predecessors = {505, 506};

  OrganisationChanged changed;
  changed.id = 507;
  changed.changes = {{"municipality_code", "013331", "012343"},
                     {"former_codes", "013331", "013331,013366"}};
  changed.member_of = 508;
  changed.municipality = 509;
  changed.predecessors = {510, 511};
  return {registered, changed};
}

}  // namespace shugo::golden
