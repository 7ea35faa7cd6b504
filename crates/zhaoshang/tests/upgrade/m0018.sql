-- Upgrade-drill fixture: a zhaoshang database at schema version 18 (m0018_outbox_writer).
-- Written by `write_upgrade_fixtures` (crates/zhaoshang/tests/upgrade.rs) from `zhaoshang gen --scale demo`
-- and a few more writes, cut down to this version's tables and columns: a few rows per table, every
-- row they point at, the newest 12 audit entries behind an anchor. Released fixtures are never rewritten.
-- schema: m0018_outbox_writer
-- written: 2026-12-04
INSERT INTO "settings" ("key", "value") VALUES ('demo_data', 'true');
INSERT INTO "units" ("id", "code", "name", "kind", "region_code", "parent_id", "covers", "active", "created_at", "updated_at") VALUES (1, '610700', '汉中市投资促进局', 'bureau', '610700', NULL, '', '1', '2026-12-04T23:51:03.266685+00:00', '2026-12-04T23:51:03.266685+00:00');
INSERT INTO "units" ("id", "code", "name", "kind", "region_code", "parent_id", "covers", "active", "created_at", "updated_at") VALUES (2, '610702', '汉台区', 'county', '610702', 1, '', '1', '2026-12-04T23:51:03.266685+00:00', '2026-12-04T23:51:03.266685+00:00');
INSERT INTO "units" ("id", "code", "name", "kind", "region_code", "parent_id", "covers", "active", "created_at", "updated_at") VALUES (3, '610703', '南郑区', 'county', '610703', 1, '', '1', '2026-12-04T23:51:03.266685+00:00', '2026-12-04T23:51:03.266685+00:00');
INSERT INTO "units" ("id", "code", "name", "kind", "region_code", "parent_id", "covers", "active", "created_at", "updated_at") VALUES (6, '610724', '西乡县', 'county', '610724', 1, '', '1', '2026-12-04T23:51:03.266685+00:00', '2026-12-04T23:51:03.266685+00:00');
INSERT INTO "units" ("id", "code", "name", "kind", "region_code", "parent_id", "covers", "active", "created_at", "updated_at") VALUES (7, '610725', '勉县', 'county', '610725', 1, '', '1', '2026-12-04T23:51:03.266685+00:00', '2026-12-04T23:51:03.266685+00:00');
INSERT INTO "units" ("id", "code", "name", "kind", "region_code", "parent_id", "covers", "active", "created_at", "updated_at") VALUES (17, 'mxkfq', '勉县经济技术开发区', 'park', '610725', 1, '', '1', '2026-12-04T23:51:03.266685+00:00', '2026-12-04T23:51:03.266685+00:00');
INSERT INTO "units" ("id", "code", "name", "kind", "region_code", "parent_id", "covers", "active", "created_at", "updated_at") VALUES (19, 'bj', '驻北京招商分局', 'office', '610700', 1, '110000,120000,130000,370000', '1', '2026-12-04T23:51:03.266685+00:00', '2026-12-04T23:51:03.266685+00:00');
INSERT INTO "units" ("id", "code", "name", "kind", "region_code", "parent_id", "covers", "active", "created_at", "updated_at") VALUES (24, 'gxj', '汉中市工业和信息化局', 'department', '610700', 1, '', '1', '2026-12-04T23:51:03.266685+00:00', '2026-12-04T23:51:03.266685+00:00');
INSERT INTO "units" ("id", "code", "name", "kind", "region_code", "parent_id", "covers", "active", "created_at", "updated_at") VALUES (25, 'fgw', '汉中市发展和改革委员会', 'department', '610700', 1, '', '1', '2026-12-04T23:51:03.266685+00:00', '2026-12-04T23:51:03.266685+00:00');
INSERT INTO "units" ("id", "code", "name", "kind", "region_code", "parent_id", "covers", "active", "created_at", "updated_at") VALUES (27, 'wlj', '汉中市文化和旅游局', 'department', '610700', 1, '', '1', '2026-12-04T23:51:03.266685+00:00', '2026-12-04T23:51:03.266685+00:00');
INSERT INTO "units" ("id", "code", "name", "kind", "region_code", "parent_id", "covers", "active", "created_at", "updated_at") VALUES (30, 'nyj', '汉中市农业农村局', 'department', '610700', 1, '', '1', '2026-12-04T23:51:03.266685+00:00', '2026-12-04T23:51:03.266685+00:00');
INSERT INTO "users" ("id", "username", "display_name", "phone", "unit_id", "roles", "password_hash", "password_changed_at", "must_change_password", "failed_logins", "locked_until", "active", "last_login_at", "created_at", "updated_at") VALUES (1, 'admin', '系统管理员', '17757969352', 1, 'admin', '$argon2id$v=19$m=19456,t=2,p=1$l5JDf1a6Z6UGhSPpIRro2w$++Do5u/+qlOJ81fVm8W+4M6umeTHTHkKrASdXW1rSVc', '2026-12-04T23:51:03.426084+00:00', '0', 0, NULL, '1', NULL, '2026-12-04T23:51:03.426084+00:00', '2026-12-04T23:51:03.426084+00:00');
INSERT INTO "users" ("id", "username", "display_name", "phone", "unit_id", "roles", "password_hash", "password_changed_at", "must_change_password", "failed_logins", "locked_until", "active", "last_login_at", "created_at", "updated_at") VALUES (2, 'bureau', '朱桂英', '13734510157', 1, 'bureau', '$argon2id$v=19$m=19456,t=2,p=1$l5JDf1a6Z6UGhSPpIRro2w$++Do5u/+qlOJ81fVm8W+4M6umeTHTHkKrASdXW1rSVc', '2026-12-04T23:51:03.426084+00:00', '0', 0, NULL, '1', NULL, '2026-12-04T23:51:03.426084+00:00', '2026-12-04T23:51:03.426084+00:00');
INSERT INTO "users" ("id", "username", "display_name", "phone", "unit_id", "roles", "password_hash", "password_changed_at", "must_change_password", "failed_logins", "locked_until", "active", "last_login_at", "created_at", "updated_at") VALUES (3, 'leader', '王磊', '13901466723', 1, 'leader', '$argon2id$v=19$m=19456,t=2,p=1$l5JDf1a6Z6UGhSPpIRro2w$++Do5u/+qlOJ81fVm8W+4M6umeTHTHkKrASdXW1rSVc', '2026-12-04T23:51:03.426084+00:00', '0', 0, NULL, '1', NULL, '2026-12-04T23:51:03.426084+00:00', '2026-12-04T23:51:03.426084+00:00');
INSERT INTO "users" ("id", "username", "display_name", "phone", "unit_id", "roles", "password_hash", "password_changed_at", "must_change_password", "failed_logins", "locked_until", "active", "last_login_at", "created_at", "updated_at") VALUES (5, 'officer-610700', '李雨婷', '13988426835', 1, 'bureau', '$argon2id$v=19$m=19456,t=2,p=1$l5JDf1a6Z6UGhSPpIRro2w$++Do5u/+qlOJ81fVm8W+4M6umeTHTHkKrASdXW1rSVc', '2026-12-04T23:51:03.426084+00:00', '0', 0, NULL, '1', NULL, '2026-12-04T23:51:03.426084+00:00', '2026-12-04T23:51:03.426084+00:00');
INSERT INTO "users" ("id", "username", "display_name", "phone", "unit_id", "roles", "password_hash", "password_changed_at", "must_change_password", "failed_logins", "locked_until", "active", "last_login_at", "created_at", "updated_at") VALUES (6, 'head-610702', '马强', '13822722653', 2, 'unit_head', '$argon2id$v=19$m=19456,t=2,p=1$l5JDf1a6Z6UGhSPpIRro2w$++Do5u/+qlOJ81fVm8W+4M6umeTHTHkKrASdXW1rSVc', '2026-12-04T23:51:03.426084+00:00', '0', 0, NULL, '1', NULL, '2026-12-04T23:51:03.426084+00:00', '2026-12-04T23:51:03.426084+00:00');
INSERT INTO "users" ("id", "username", "display_name", "phone", "unit_id", "roles", "password_hash", "password_changed_at", "must_change_password", "failed_logins", "locked_until", "active", "last_login_at", "created_at", "updated_at") VALUES (7, 'officer-610702', '曾伟', '13613429753', 2, 'officer', '$argon2id$v=19$m=19456,t=2,p=1$l5JDf1a6Z6UGhSPpIRro2w$++Do5u/+qlOJ81fVm8W+4M6umeTHTHkKrASdXW1rSVc', '2026-12-04T23:51:03.426084+00:00', '0', 0, NULL, '1', NULL, '2026-12-04T23:51:03.426084+00:00', '2026-12-04T23:51:03.426084+00:00');
INSERT INTO "users" ("id", "username", "display_name", "phone", "unit_id", "roles", "password_hash", "password_changed_at", "must_change_password", "failed_logins", "locked_until", "active", "last_login_at", "created_at", "updated_at") VALUES (8, 'head-610703', '周敏', '13577189508', 3, 'unit_head', '$argon2id$v=19$m=19456,t=2,p=1$l5JDf1a6Z6UGhSPpIRro2w$++Do5u/+qlOJ81fVm8W+4M6umeTHTHkKrASdXW1rSVc', '2026-12-04T23:51:03.426084+00:00', '0', 0, NULL, '1', NULL, '2026-12-04T23:51:03.426084+00:00', '2026-12-04T23:51:03.426084+00:00');
INSERT INTO "users" ("id", "username", "display_name", "phone", "unit_id", "roles", "password_hash", "password_changed_at", "must_change_password", "failed_logins", "locked_until", "active", "last_login_at", "created_at", "updated_at") VALUES (9, 'officer-610703', '朱丽', '13868944067', 3, 'officer', '$argon2id$v=19$m=19456,t=2,p=1$NUXM0SrJxn+2y8uZZmQ9hA$dQg4AhXD+GUZ2RsFYf219lf3pIhfNxRxcrzH/aeoNs4', '2026-12-04T23:51:05.811734+00:00', '0', 0, NULL, '1', NULL, '2026-12-04T23:51:03.426084+00:00', '2026-12-04T23:51:05.811734+00:00');
INSERT INTO "users" ("id", "username", "display_name", "phone", "unit_id", "roles", "password_hash", "password_changed_at", "must_change_password", "failed_logins", "locked_until", "active", "last_login_at", "created_at", "updated_at") VALUES (14, 'head-610724', '徐海燕', '13639331887', 6, 'unit_head', '$argon2id$v=19$m=19456,t=2,p=1$l5JDf1a6Z6UGhSPpIRro2w$++Do5u/+qlOJ81fVm8W+4M6umeTHTHkKrASdXW1rSVc', '2026-12-04T23:51:03.426084+00:00', '0', 0, NULL, '1', NULL, '2026-12-04T23:51:03.426084+00:00', '2026-12-04T23:51:03.426084+00:00');
INSERT INTO "users" ("id", "username", "display_name", "phone", "unit_id", "roles", "password_hash", "password_changed_at", "must_change_password", "failed_logins", "locked_until", "active", "last_login_at", "created_at", "updated_at") VALUES (16, 'head-610725', '郑思远', '13923620898', 7, 'unit_head', '$argon2id$v=19$m=19456,t=2,p=1$l5JDf1a6Z6UGhSPpIRro2w$++Do5u/+qlOJ81fVm8W+4M6umeTHTHkKrASdXW1rSVc', '2026-12-04T23:51:03.426084+00:00', '0', 0, NULL, '1', NULL, '2026-12-04T23:51:03.426084+00:00', '2026-12-04T23:51:03.426084+00:00');
INSERT INTO "users" ("id", "username", "display_name", "phone", "unit_id", "roles", "password_hash", "password_changed_at", "must_change_password", "failed_logins", "locked_until", "active", "last_login_at", "created_at", "updated_at") VALUES (17, 'officer-610725', '韩文', '15914460022', 7, 'officer', '$argon2id$v=19$m=19456,t=2,p=1$l5JDf1a6Z6UGhSPpIRro2w$++Do5u/+qlOJ81fVm8W+4M6umeTHTHkKrASdXW1rSVc', '2026-12-04T23:51:03.426084+00:00', '0', 0, NULL, '1', NULL, '2026-12-04T23:51:03.426084+00:00', '2026-12-04T23:51:03.426084+00:00');
INSERT INTO "users" ("id", "username", "display_name", "phone", "unit_id", "roles", "password_hash", "password_changed_at", "must_change_password", "failed_logins", "locked_until", "active", "last_login_at", "created_at", "updated_at") VALUES (40, 'head-bj', '曹超', '13918836501', 19, 'unit_head', '$argon2id$v=19$m=19456,t=2,p=1$l5JDf1a6Z6UGhSPpIRro2w$++Do5u/+qlOJ81fVm8W+4M6umeTHTHkKrASdXW1rSVc', '2026-12-04T23:51:03.426084+00:00', '0', 0, NULL, '1', NULL, '2026-12-04T23:51:03.426084+00:00', '2026-12-04T23:51:03.426084+00:00');
INSERT INTO "password_history" ("id", "user_id", "password_hash", "created_at") VALUES (1, 9, '$argon2id$v=19$m=19456,t=2,p=1$NUXM0SrJxn+2y8uZZmQ9hA$dQg4AhXD+GUZ2RsFYf219lf3pIhfNxRxcrzH/aeoNs4', '2026-12-04T23:51:05.811734+00:00');
INSERT INTO "sessions" ("id", "token_hash", "user_id", "csrf_token", "created_at", "last_seen_at", "ip", "user_agent") VALUES (1, '3566a940ccd847cb46630804ffb94243b3114defcea03e22aa64feeae4dddeb1', 9, '4c1d5fc66bcab67a189dc192a750288eaedac9af8981e154f576105b24cb2783', '2026-12-04T23:51:05.813129+00:00', '2026-12-04T23:51:05.813129+00:00', '10.61.7.3', 'Mozilla/5.0 (Windows NT 10.0)');
INSERT INTO "audit_events" ("id", "seq", "at", "user_id", "username", "unit_id", "ip", "action", "entity", "entity_id", "before", "after", "outcome", "detail", "prev_hash", "hash") VALUES (588, 588, '2026-12-04T23:51:05.757009+00:00', NULL, 'system:gen', NULL, '', 'create', 'task_item', '21', '', '{"done_on":null,"due_on":"2026-11-19","id":21,"list_id":1,"note":"","status":"open","title":"赴珠三角开展承接产业转移专题招商活动不少于 1 次","unit_id":12,"version":1}', 'ok', '「承接东部产业转移任务清单」交办 佛坪县：赴珠三角开展承接产业转移专题招商活动不少于 1 次', '5dccce335ee18a6bb26efdd246f1a006a0c3ad05d9a768697fb3889e7011c842', 'dc28f23642eea31ed76096e6d651e6bcaab75d787af4f9898e4ef29002f4b7eb');
INSERT INTO "audit_events" ("id", "seq", "at", "user_id", "username", "unit_id", "ip", "action", "entity", "entity_id", "before", "after", "outcome", "detail", "prev_hash", "hash") VALUES (589, 589, '2026-12-04T23:51:05.758574+00:00', NULL, 'system:gen', NULL, '', 'create', 'task_item', '22', '', '{"done_on":null,"due_on":"2027-02-02","id":22,"list_id":1,"note":"以签约合同为准，签约后须经市局实地核查。","status":"open","title":"签约珠三角转移项目不少于 1 个（总投资 1 亿元以上）","unit_id":12,"version":1}', 'ok', '「承接东部产业转移任务清单」交办 佛坪县：签约珠三角转移项目不少于 1 个（总投资 1 亿元以上）', 'dc28f23642eea31ed76096e6d651e6bcaab75d787af4f9898e4ef29002f4b7eb', 'd34e15ef7f8206f10fc9a8ff41356a74cf1f68cfdef34865a4d6fec57c322eff');
INSERT INTO "audit_events" ("id", "seq", "at", "user_id", "username", "unit_id", "ip", "action", "entity", "entity_id", "before", "after", "outcome", "detail", "prev_hash", "hash") VALUES (590, 590, '2026-12-04T23:51:05.759916+00:00', NULL, 'system:gen', NULL, '', 'done', 'task_item', '21', '{"done_on":null,"status":"open","version":1}', '{"done_on":"2026-12-04","status":"done","version":2}', 'ok', '赴珠三角开展承接产业转移专题招商活动不少于 1 次', 'd34e15ef7f8206f10fc9a8ff41356a74cf1f68cfdef34865a4d6fec57c322eff', '8f191ce141a4ec7849f8c1c89c650c2dd0bcf79db80a2ae7f9a9fcacd23bd9f1');
INSERT INTO "audit_events" ("id", "seq", "at", "user_id", "username", "unit_id", "ip", "action", "entity", "entity_id", "before", "after", "outcome", "detail", "prev_hash", "hash") VALUES (591, 591, '2026-12-04T23:51:05.812435+00:00', 9, 'officer-610703', 3, '10.61.7.3', 'change_password', 'user', '9', '', '', 'ok', '', '8f191ce141a4ec7849f8c1c89c650c2dd0bcf79db80a2ae7f9a9fcacd23bd9f1', '866603b49207d79f57cc4c3e2818e871c08d51678e6e52143968e92946b8382d');
INSERT INTO "audit_events" ("id", "seq", "at", "user_id", "username", "unit_id", "ip", "action", "entity", "entity_id", "before", "after", "outcome", "detail", "prev_hash", "hash") VALUES (592, 592, '2026-12-04T23:51:05.817424+00:00', 9, 'officer-610703', 3, '10.61.7.3', 'create', 'api_token', '1', '', '', 'ok', '为 officer-610703 创建令牌「统计局数据交换」，90 天后过期', '866603b49207d79f57cc4c3e2818e871c08d51678e6e52143968e92946b8382d', '49ab1031c9c25a42629e885a9333c0ab21a1b682ffe68094c1546adac692b8a6');
INSERT INTO "audit_events" ("id", "seq", "at", "user_id", "username", "unit_id", "ip", "action", "entity", "entity_id", "before", "after", "outcome", "detail", "prev_hash", "hash") VALUES (593, 593, '2026-12-04T23:51:05.819497+00:00', 9, 'officer-610703', 3, '10.61.7.3', 'create', 'notify_channel', '1', '', '', 'ok', '电子邮件「科室邮箱」zhaoshang@nanzheng.gov.cn，全部提醒，启用', '49ab1031c9c25a42629e885a9333c0ab21a1b682ffe68094c1546adac692b8a6', '713af3377cb8c2905e742de1cb81c90a909ce0d246c523b4d179422dcae55c3c');
INSERT INTO "audit_events" ("id", "seq", "at", "user_id", "username", "unit_id", "ip", "action", "entity", "entity_id", "before", "after", "outcome", "detail", "prev_hash", "hash") VALUES (594, 594, '2026-12-04T23:51:05.820964+00:00', 9, 'officer-610703', 3, '10.61.7.3', 'test', 'notify_channel', '1', '', '', 'ok', '测试电子邮件「科室邮箱」zhaoshang@nanzheng.gov.cn，全部提醒，启用', '713af3377cb8c2905e742de1cb81c90a909ce0d246c523b4d179422dcae55c3c', '7c44fbf4501e718ffc1f56ebbecad70221d24c1648786c8e3dd51d1e2eb5960f');
INSERT INTO "audit_events" ("id", "seq", "at", "user_id", "username", "unit_id", "ip", "action", "entity", "entity_id", "before", "after", "outcome", "detail", "prev_hash", "hash") VALUES (595, 595, '2026-12-04T23:51:05.822338+00:00', 9, 'officer-610703', 3, '10.61.7.3', 'create', 'webhook_subscription', '1', '', '{"active":true,"description":"市大数据局","events":"project.created","url":"https://data.hanzhong.gov.cn/hooks/zhaoshang"}', 'ok', '推送到 https://data.hanzhong.gov.cn/hooks/zhaoshang', '7c44fbf4501e718ffc1f56ebbecad70221d24c1648786c8e3dd51d1e2eb5960f', '5073f9a2ba6d9458bfab4387146f6da9656b23b7bd13ad4a5ef264aaabb14a67');
INSERT INTO "audit_events" ("id", "seq", "at", "user_id", "username", "unit_id", "ip", "action", "entity", "entity_id", "before", "after", "outcome", "detail", "prev_hash", "hash") VALUES (596, 596, '2026-12-04T23:51:05.823934+00:00', 9, 'officer-610703', 3, '10.61.7.3', 'test', 'webhook_subscription', '1', '', '', 'ok', '测试推送到 https://data.hanzhong.gov.cn/hooks/zhaoshang', '5073f9a2ba6d9458bfab4387146f6da9656b23b7bd13ad4a5ef264aaabb14a67', '64d5b937aeb0c02aa49b2e51fc4fe8f9c4abf4405efe4364d107fe429ccedd02');
INSERT INTO "audit_events" ("id", "seq", "at", "user_id", "username", "unit_id", "ip", "action", "entity", "entity_id", "before", "after", "outcome", "detail", "prev_hash", "hash") VALUES (597, 597, '2026-12-04T23:51:05.827411+00:00', 9, 'officer-610703', 3, '10.61.7.3', 'create', 'follow_up', '993', '', '', 'ok', '秦岭航空零部件有限公司：拜访', '64d5b937aeb0c02aa49b2e51fc4fe8f9c4abf4405efe4364d107fe429ccedd02', 'bfb659e4a2f7989fffeafdb8ebf99e66abb9c0b8818013eb1b4c4bbaa34fbbd0');
INSERT INTO "audit_events" ("id", "seq", "at", "user_id", "username", "unit_id", "ip", "action", "entity", "entity_id", "before", "after", "outcome", "detail", "prev_hash", "hash") VALUES (598, 598, '2026-12-04T23:51:05.837505+00:00', 9, 'officer-610703', 3, '10.61.7.3', 'share', 'project', '1', '', '', 'ok', '项目 XM2026-00001 飞地分成：汉台区 60%、南郑区 40%', 'bfb659e4a2f7989fffeafdb8ebf99e66abb9c0b8818013eb1b4c4bbaa34fbbd0', '50573df73450b30c1ebb660c8fd743bb7c1e0d3bfcbc99f37bc6c0c3a21745c0');
INSERT INTO "audit_events" ("id", "seq", "at", "user_id", "username", "unit_id", "ip", "action", "entity", "entity_id", "before", "after", "outcome", "detail", "prev_hash", "hash") VALUES (599, 599, '2026-12-04T23:51:05.865669+00:00', NULL, 'system:cli', NULL, '', 'import', 'import', '1', '', '', 'ok', '导入企业「zs_t_16227_262917138_0.csv」：新增 1、更新 0、未变 0、拒绝 1', '50573df73450b30c1ebb660c8fd743bb7c1e0d3bfcbc99f37bc6c0c3a21745c0', '5682db34c5f8b2b5f924e1fed32ad4a110a4e7f0e382584d75fa887acb733e89');
INSERT INTO "audit_head" ("id", "seq", "hash", "anchor_seq", "anchor_hash") VALUES (1, 599, '5682db34c5f8b2b5f924e1fed32ad4a110a4e7f0e382584d75fa887acb733e89', 587, '5dccce335ee18a6bb26efdd246f1a006a0c3ad05d9a768697fb3889e7011c842');
INSERT INTO "profile_versions" ("id", "city", "label", "note", "source", "loaded_by", "loaded_at") VALUES (1, '汉中市', '2024', '汉中市2024年招商单位体系及五大产业集群（装备制造、现代材料、文化旅游、绿色能源、特色农业）产业链图谱，标注延链补链（弱项、缺失）环节', '# 汉中市招商引资档案（profile）：单位（市局、县区、园区、驻外分局、链长牵头部门）与 2024 年产业集群—产业链—环节图谱。
# 事实来源：项目设计文档 DESIGN.md §2/§4/§11（区划 GB/T 2260，行业 GB/T 4754-2017）；环节强弱为招商工作判断，可在系统中按年修订。

[profile]
city = "汉中市"
region = "610700"
version = "2024"
note = "汉中市2024年招商单位体系及五大产业集群（装备制造、现代材料、文化旅游、绿色能源、特色农业）产业链图谱，标注延链补链（弱项、缺失）环节"

# ── 市投资促进局（市经合局）
[[units]]
code = "610700"
name = "汉中市投资促进局"
kind = "bureau"
region = "610700"


# ── 县区
[[units]]
code = "610702"
name = "汉台区"
kind = "county"
region = "610702"
parent = "610700"

[[units]]
code = "610703"
name = "南郑区"
kind = "county"
region = "610703"
parent = "610700"

[[units]]
code = "610722"
name = "城固县"
kind = "county"
region = "610722"
parent = "610700"

[[units]]
code = "610723"
name = "洋县"
kind = "county"
region = "610723"
parent = "610700"

[[units]]
code = "610724"
name = "西乡县"
kind = "county"
region = "610724"
parent = "610700"

[[units]]
code = "610725"
name = "勉县"
kind = "county"
region = "610725"
parent = "610700"

[[units]]
code = "610726"
name = "宁强县"
kind = "county"
region = "610726"
parent = "610700"

[[units]]
code = "610727"
name = "略阳县"
kind = "county"
region = "610727"
parent = "610700"

[[units]]
code = "610728"
name = "镇巴县"
kind = "county"
region = "610728"
parent = "610700"

[[units]]
code = "610729"
name = "留坝县"
kind = "county"
region = "610729"
parent = "610700"

[[units]]
code = "610730"
name = "佛坪县"
kind = "county"
region = "610730"
parent = "610700"


# ── 园区
[[units]]
code = "jkq"
name = "汉中经济技术开发区"
kind = "park"
region = "610702"
parent = "610700"

[[units]]
code = "xhxq"
name = "兴汉新区"
kind = "park"
region = "610702"
parent = "610700"

[[units]]
code = "hkq"
name = "汉中航空经济技术开发区"
kind = "park"
region = "610722"
parent = "610700"

[[units]]
code = "bjxq"
name = "汉中滨江新区"
kind = "park"
region = "610703"
parent = "610700"

[[units]]
code = "mxkfq"
name = "勉县经济技术开发区"
kind = "park"
region = "610725"
parent = "610700"

[[units]]
code = "gxq"
name = "汉中高新技术产业开发区"
kind = "park"
region = "610702"
parent = "610700"


# ── 驻外招商分局（covers：负责的省级区划）
[[units]]
code = "bj"
name = "驻北京招商分局"
kind = "office"
region = "610700"
parent = "610700"
covers = ["110000", "120000", "130000", "370000"]

[[units]]
code = "sh"
name = "驻上海招商分局"
kind = "office"
region = "610700"
parent = "610700"
covers = ["310000", "320000", "330000", "340000"]

[[units]]
code = "xa"
name = "驻西安招商分局"
kind = "office"
region = "610700"
parent = "610700"
covers = ["610000"]

[[units]]
code = "sz"
name = "驻深圳招商分局"
kind = "office"
region = "610700"
parent = "610700"
covers = ["440000", "350000"]

[[units]]
code = "cd"
name = "驻成都招商分局"
kind = "office"
region = "610700"
parent = "610700"
covers = ["510000", "500000"]


# ── 产业链牵头部门
[[units]]
code = "gxj"
name = "汉中市工业和信息化局"
kind = "department"
region = "610700"
parent = "610700"

[[units]]
code = "fgw"
name = "汉中市发展和改革委员会"
kind = "department"
region = "610700"
parent = "610700"

[[units]]
code = "kjj"
name = "汉中市科学技术局"
kind = "department"
region = "610700"
parent = "610700"

[[units]]
code = "wlj"
name = "汉中市文化和旅游局"
kind = "department"
region = "610700"
parent = "610700"

[[units]]
code = "swj"
name = "汉中市商务局"
kind = "department"
region = "610700"
parent = "610700"

[[units]]
code = "tyj"
name = "汉中市体育局"
kind = "department"
region = "610700"
parent = "610700"

[[units]]
code = "nyj"
name = "汉中市农业农村局"
kind = "department"
region = "610700"
parent = "610700"


# ════ 产业集群：装备制造 ════
[[clusters]]
name = "装备制造"

# ── 装备制造 / 航空装备
[[clusters.chains]]
name = "航空装备"
lead = "gxj"

[[clusters.chains.links]]
name = "航空原材料"
position = "up"
strength = "weak"
industry_codes = ["3254", "3062", "3091"]
keywords = ["钛合金", "高温合金", "复合材料", "碳纤维"]

[[clusters.chains.links.children]]
name = "钛合金及高温合金"
position = "up"
strength = "weak"
industry_codes = ["3254", "3239"]
keywords = ["钛合金", "高温合金", "钛材"]

[[clusters.chains.links.children]]
name = "航空复合材料"
position = "up"
strength = "missing"
industry_codes = ["3062", "3091"]
keywords = ["复合材料", "碳纤维", "预浸料"]

[[clusters.chains.links]]
name = "机体结构件"
position = "up"
strength = "strong"
industry_codes = ["3741", "3393", "3484"]
keywords = ["机身", "结构件", "钣金", "机加"]

[[clusters.chains.links.children]]
name = "航空锻铸件"
position = "up"
strength = "strong"
industry_codes = ["3393", "3392"]
keywords = ["锻件", "铸件", "精密铸造", "航空锻件"]

[[clusters.chains.links.children]]
name = "钣金与机加零件"
position = "mid"
strength = "strong"
industry_codes = ["3741", "3484"]
keywords = ["钣金", "数控加工", "零部件", "工装"]

[[clusters.chains.links]]
name = "航空发动机零部件"
position = "mid"
strength = "weak"
industry_codes = ["3741", "3393", "3484"]
keywords = ["发动机零部件", "叶片", "机匣", "涡轮盘"]

[[clusters.chains.links]]
name = "机载设备"
position = "mid"
strength = "missing"
industry_codes = ["3744", "3940", "4023"]
keywords = ["机载设备", "航电", "飞控", "机电系统"]

[[clusters.chains.links.children]]
name = "航电系统"
position = "mid"
strength = "missing"
industry_codes = ["3940", "4023", "3921"]
keywords = ["航电", "导航", "雷达", "机载通信"]

[[clusters.chains.links.children.children]]
name = "机载雷达"
position = "mid"
strength = "missing"
industry_codes = ["3940"]
keywords = ["雷达", "机载雷达", "天线"]

[[clusters.chains.links.children.children]]
name = "导航与显示设备"
position = "mid"
strength = "missing"
industry_codes = ["4023", "3974"]
keywords = ["惯导", "导航", "座舱显示"]

[[clusters.chains.links.children]]
name = "飞控系统"
position = "mid"
strength = "missing"
industry_codes = ["3744", "4011"]
keywords = ["飞控", "作动器", "舵机", "飞行控制"]

[[clusters.chains.links.children]]
name = "机电系统"
position = "mid"
strength = "weak"
industry_codes = ["3444", "3813", "3744"]
keywords = ["液压", "航空电源", "环控", "燃油系统"]

[[clusters.chains.links]]
name = "总装集成"
position = "down"
strength = "strong"
industry_codes = ["3741"]
keywords = ["飞机总装", "整机", "运输机", "总装集成"]

[[clusters.chains.links]]
name = "无人机"
position = "down"
strength = "weak"
industry_codes = ["3963", "3749"]
keywords = ["无人机", "无人机系统", "飞行器", "无人机整机"]

[[clusters.chains.links]]
name = "维修保障（MRO）"
position = "down"
strength = "weak"
industry_codes = ["4343", "5639"]
keywords = ["航空维修", "MRO", "大修", "航材"]

[[clusters.chains.links]]
name = "通用航空运营"
position = "down"
strength = "missing"
industry_codes = ["5621", "5622", "5629"]
keywords = ["通用航空", "低空经济", "航空作业", "飞行培训"]

# ── 装备制造 / 工业母机
[[clusters.chains]]
name = "工业母机"
lead = "gxj"

[[clusters.chains.links]]
name = "机床铸件与基础材料"
position = "up"
strength = "strong"
industry_codes = ["3391", "3130"]
keywords = ["铸件", "床身", "机床铸件", "铸铁"]

[[clusters.chains.links]]
name = "功能部件"
position = "up"
strength = "strong"
industry_codes = ["3425", "3451", "3459"]
keywords = ["滚珠丝杠", "导轨", "主轴", "功能部件"]

[[clusters.chains.links.children]]
name = "滚珠丝杠与直线导轨"
position = "up"
strength = "strong"
industry_codes = ["3425", "3459"]
keywords = ["丝杠", "直线导轨", "滚动功能部件"]

[[clusters.chains.links.children]]
name = "主轴、转台与刀库"
position = "up"
strength = "weak"
industry_codes = ["3425"]
keywords = ["电主轴", "转台", "刀库", "卡盘"]

[[clusters.chains.links]]
name = "数控系统"
position = "mid"
strength = "missing"
industry_codes = ["4011", "3914", "3813"]
keywords = ["数控系统", "CNC", "伺服", "驱动器"]

[[clusters.chains.links.children]]
name = "伺服电机与驱动"
position = "mid"
strength = "missing"
industry_codes = ["3813", "3824"]
keywords = ["伺服电机", "伺服驱动", "编码器"]

[[clusters.chains.links]]
name = "刀具与量具"
position = "mid"
strength = "weak"
industry_codes = ["3321", "4013"]
keywords = ["刀具", "刃具", "量具", "测量仪器"]

[[clusters.chains.links]]
name = "机床整机"
position = "down"
strength = "strong"
industry_codes = ["3421", "3422"]
keywords = ["数控机床", "磨床", "坐标镗床", "加工中心"]

[[clusters.chains.links.children]]
name = "精密磨床与镗床"
position = "down"
strength = "strong"
industry_codes = ["3421"]
keywords = ["磨床", "坐标镗床", "螺纹磨床"]

[[clusters.chains.links.children]]
name = "加工中心与成形机床"
position = "down"
strength = "weak"
industry_codes = ["3421", "3422"]
keywords = ["加工中心", "车铣复合", "压力机", "折弯机"]

[[clusters.chains.links]]
name = "增材制造装备"
position = "down"
strength = "missing"
industry_codes = ["3493"]
keywords = ["增材制造", "3D打印", "激光熔覆"]

[[clusters.chains.links]]
name = "机床再制造与服务"
position = "down"
strength = "weak"
industry_codes = ["4320", "3429"]
keywords = ["机床维修", "再制造", "数控改造"]

# ── 装备制造 / 输变电装备
[[clusters.chains]]
name = "输变电装备"
lead = "gxj"

[[clusters.chains.links]]
name = "电工材料"
position = "up"
strength = "weak"
industry_codes = ["3251", "3834"]
keywords = ["铜材", "电磁线", "绝缘材料", "硅钢"]

[[clusters.chains.links]]
name = "电线电缆"
position = "mid"
strength = "weak"
industry_codes = ["3831"]
keywords = ["电线", "电缆", "电力电缆", "架空导线"]

[[clusters.chains.links]]
name = "变压器与互感器"
position = "mid"
strength = "weak"
industry_codes = ["3821"]
keywords = ["变压器", "互感器", "电抗器", "箱变"]

[[clusters.chains.links]]
name = "开关与配电设备"
position = "mid"
strength = "strong"
industry_codes = ["3823", "3829"]
keywords = ["开关柜", "配电箱", "断路器", "成套设备"]

[[clusters.chains.links]]
name = "电力电子与智能控制"
position = "mid"
strength = "missing"
industry_codes = ["3824", "4012"]
keywords = ["电力电子", "智能电网", "继电保护", "电能表"]

[[clusters.chains.links]]
name = "输变电工程与运维"
position = "down"
strength = "strong"
industry_codes = ["4851", "4910", "4350"]
keywords = ["输变电工程", "电力安装", "运维", "检修"]

# ── 装备制造 / 传感器
[[clusters.chains]]
name = "传感器"
lead = "kjj"

[[clusters.chains.links]]
name = "敏感材料"
position = "up"
strength = "missing"
industry_codes = ["3985"]
keywords = ["敏感材料", "压电材料", "MEMS", "电子材料"]

[[clusters.chains.links]]
name = "芯片设计与MEMS"
position = "mid"
strength = "missing"
industry_codes = ["3973", "6520"]
keywords = ["MEMS", "芯片", "集成电路设计", "传感芯片"]

[[clusters.chains.links]]
name = "传感器制造与封装"
position = "mid"
strength = "weak"
industry_codes = ["3983"]
keywords = ["传感器", "压力传感器", "温度传感器", "封装"]

[[clusters.chains.links.children]]
name = "压力与温度传感器"
position = "mid"
strength = "weak"
industry_codes = ["3983"]
keywords = ["压力传感器", "温度传感器", "变送器"]

[[clusters.chains.links.children]]
name = "航空专用传感器"
position = "mid"
strength = "weak"
industry_codes = ["3983", "3744"]
keywords = ["航空传感器", "位移传感器", "角度传感器"]

[[clusters.chains.links]]
name = "测控仪器仪表"
position = "down"
strength = "weak"
industry_codes = ["4011", "4028", "4019"]
keywords = ["仪器仪表", "变送器", "测控", "检测设备"]

[[clusters.chains.links]]
name = "物联网应用"
position = "down"
strength = "weak"
industry_codes = ["6532", "6531"]
keywords = ["物联网", "智能监测", "系统集成", "工业互联网"]

# ── 装备制造 / 电子元器件
[[clusters.chains]]
name = "电子元器件"
lead = "gxj"

[[clusters.chains.links]]
name = "电子专用材料"
position = "up"
strength = "missing"
industry_codes = ["3985"]
keywords = ["电子材料", "覆铜板", "电子浆料", "磁性材料"]

[[clusters.chains.links]]
name = "电阻电容电感"
position = "mid"
strength = "weak"
industry_codes = ["3981"]
keywords = ["电阻", "电容", "电感", "磁性元件"]

[[clusters.chains.links]]
name = "印制电路板"
position = "mid"
strength = "missing"
industry_codes = ["3982"]
keywords = ["PCB", "电路板", "线路板", "SMT"]

[[clusters.chains.links]]
name = "连接器与机电组件"
position = "mid"
strength = "weak"
industry_codes = ["3989", "3899"]
keywords = ["连接器", "继电器", "接插件", "线束"]

[[clusters.chains.links]]
name = "分立器件与光电器件"
position = "mid"
strength = "missing"
industry_codes = ["3972", "3976"]
keywords = ["功率器件", "二极管", "光电器件", "光模块"]

[[clusters.chains.links]]
name = "电子模组与整机"
position = "down"
strength = "weak"
industry_codes = ["3990", "3962"]
keywords = ["电子模组", "电源模块", "车载电子", "整机组装"]

# ── 装备制造 / 汽车零部件配套
[[clusters.chains]]
name = "汽车零部件配套"
lead = "gxj"

[[clusters.chains.links]]
name = "铸锻件与基础件"
position = "up"
strength = "strong"
industry_codes = ["3391", "3393", "3482"]
keywords = ["铸造", "锻造", "紧固件", "毛坯"]

[[clusters.chains.links]]
name = "动力总成零部件"
position = "mid"
strength = "weak"
industry_codes = ["3670", "3412"]
keywords = ["发动机零部件", "缸体", "曲轴", "活塞"]

[[clusters.chains.links]]
name = "底盘与传动部件"
position = "mid"
strength = "weak"
industry_codes = ["3670", "3453"]
keywords = ["底盘", "车桥", "变速箱", "齿轮"]

[[clusters.chains.links]]
name = "汽车电子"
position = "mid"
strength = "missing"
industry_codes = ["3962", "3670", "3983"]
keywords = ["汽车电子", "车载", "控制器", "汽车传感器"]

[[clusters.chains.links]]
name = "新能源三电"
position = "mid"
strength = "missing"
industry_codes = ["3841", "3812", "3824"]
keywords = ["动力电池", "电驱", "电控", "电池包"]

[[clusters.chains.links.children]]
name = "动力电池及结构件"
position = "mid"
strength = "missing"
industry_codes = ["3841", "3670"]
keywords = ["电芯", "电池壳", "电池结构件", "电池模组"]

[[clusters.chains.links.children]]
name = "驱动电机与电控"
position = "mid"
strength = "missing"
industry_codes = ["3812", "3824"]
keywords = ["驱动电机", "电机控制器", "功率模块"]

[[clusters.chains.links]]
name = "整车与专用车"
position = "down"
strength = "weak"
industry_codes = ["3612", "3630", "3660"]
keywords = ["整车", "专用车", "改装车", "挂车"]

[[clusters.chains.links]]
name = "汽车后市场"
position = "down"
strength = "weak"
industry_codes = ["8111", "5263"]
keywords = ["汽车维修", "汽配", "配件", "保养"]


# ════ 产业集群：现代材料 ════
[[clusters]]
name = "现代材料"

# ── 现代材料 / 钢铁
[[clusters.chains]]
name = "钢铁"
lead = "gxj"

[[clusters.chains.links]]
name = "铁矿采选"
position = "up"
strength = "weak"
industry_codes = ["0810"]
keywords = ["铁矿", "选矿", "铁精粉"]

[[clusters.chains.links]]
name = "炼铁炼钢"
position = "mid"
strength = "strong"
industry_codes = ["3110", "3120"]
keywords = ["炼铁", "炼钢", "高炉", "转炉"]

[[clusters.chains.links]]
name = "钢压延加工"
position = "mid"
strength = "strong"
industry_codes = ["3130"]
keywords = ["螺纹钢", "线材", "棒材", "轧钢"]

[[clusters.chains.links]]
name = "特钢与精品钢"
position = "mid"
strength = "missing"
industry_codes = ["3120", "3130"]
keywords = ["特钢", "优特钢", "合金钢", "精品钢"]

[[clusters.chains.links]]
name = "铁合金"
position = "mid"
strength = "weak"
industry_codes = ["3140"]
keywords = ["铁合金", "硅锰", "硅铁"]

[[clusters.chains.links]]
name = "钢材深加工"
position = "down"
strength = "weak"
industry_codes = ["3311", "3340"]
keywords = ["钢结构", "钢丝", "预应力", "金属制品"]

[[clusters.chains.links]]
name = "钢铁物流与贸易"
position = "down"
strength = "weak"
industry_codes = ["5164", "7224"]
keywords = ["钢材贸易", "供应链", "物流", "仓储"]

# ── 现代材料 / 有色
[[clusters.chains]]
name = "有色"
lead = "gxj"

[[clusters.chains.links]]
name = "有色矿采选"
position = "up"
strength = "strong"
industry_codes = ["0912", "0911", "0921"]
keywords = ["铅锌矿", "铜矿", "金矿", "选矿"]

[[clusters.chains.links]]
name = "有色冶炼"
position = "mid"
strength = "strong"
industry_codes = ["3212", "3211"]
keywords = ["锌冶炼", "电解锌", "铅锌冶炼", "粗铜"]

[[clusters.chains.links]]
name = "贵金属与伴生金属回收"
position = "mid"
strength = "weak"
industry_codes = ["3221", "3222", "3229"]
keywords = ["金银", "伴生金属", "综合回收", "铟"]

[[clusters.chains.links]]
name = "有色合金与压延"
position = "down"
strength = "missing"
industry_codes = ["3240", "3252", "3251"]
keywords = ["锌合金", "铝型材", "铜材", "压铸合金"]

[[clusters.chains.links.children]]
name = "锌合金与镀锌"
position = "down"
strength = "weak"
industry_codes = ["3240", "3360"]
keywords = ["锌合金", "热镀锌", "压铸"]

[[clusters.chains.links.children]]
name = "铝铜精深加工"
position = "down"
strength = "missing"
industry_codes = ["3252", "3251"]
keywords = ["铝型材", "铝板带", "铜管", "铜箔"]

[[clusters.chains.links]]
name = "有色化工产品"
position = "down"
strength = "weak"
industry_codes = ["2613", "2611"]
keywords = ["氧化锌", "硫酸锌", "硫酸", "副产品"]

# ── 现代材料 / 非金属
[[clusters.chains]]
name = "非金属"
lead = "gxj"

[[clusters.chains.links]]
name = "非金属矿采选"
position = "up"
strength = "strong"
industry_codes = ["1011", "1099", "1092"]
keywords = ["石灰石", "石英", "重晶石", "石墨"]

[[clusters.chains.links]]
name = "水泥与混凝土制品"
position = "mid"
strength = "strong"
industry_codes = ["3011", "3021", "3022"]
keywords = ["水泥", "商砼", "预制构件", "装配式"]

[[clusters.chains.links]]
name = "新型墙材与节能建材"
position = "mid"
strength = "weak"
industry_codes = ["3024", "3031", "3034"]
keywords = ["轻质建材", "加气砖", "保温材料", "墙材"]

[[clusters.chains.links]]
name = "石英与硅基材料"
position = "mid"
strength = "missing"
industry_codes = ["3099", "3218"]
keywords = ["高纯石英", "工业硅", "石英砂", "硅材料"]

[[clusters.chains.links]]
name = "石材加工"
position = "down"
strength = "weak"
industry_codes = ["3032", "1012"]
keywords = ["石材", "大理石", "花岗岩", "装饰石材"]

[[clusters.chains.links]]
name = "特种陶瓷与碳素材料"
position = "down"
strength = "missing"
industry_codes = ["3073", "3091"]
keywords = ["特种陶瓷", "石墨制品", "碳素", "功能材料"]

# ── 现代材料 / 核材料
[[clusters.chains]]
name = "核材料"
lead = "gxj"

[[clusters.chains.links]]
name = "铀矿资源"
position = "up"
strength = "missing"
industry_codes = ["0933"]
keywords = ["铀矿", "放射性金属", "铀资源"]

[[clusters.chains.links]]
name = "铀浓缩"
position = "mid"
strength = "strong"
industry_codes = ["2530"]
keywords = ["铀浓缩", "离心", "核燃料", "浓缩铀"]

[[clusters.chains.links]]
name = "核燃料元件"
position = "mid"
strength = "missing"
industry_codes = ["2530"]
keywords = ["燃料元件", "燃料组件", "燃料棒"]

[[clusters.chains.links]]
name = "核级材料与设备配套"
position = "mid"
strength = "weak"
industry_codes = ["3254", "3332", "3443"]
keywords = ["核级", "锆合金", "核级阀门", "压力容器"]

[[clusters.chains.links]]
name = "同位素与核技术应用"
position = "down"
strength = "missing"
industry_codes = ["4120", "4027"]
keywords = ["同位素", "辐照", "核技术应用", "辐射加工"]

[[clusters.chains.links]]
name = "放射性废物处理"
position = "down"
strength = "weak"
industry_codes = ["7725"]
keywords = ["放射性废物", "退役治理", "核环保"]

# ── 现代材料 / 工业大宗固废
[[clusters.chains]]
name = "工业大宗固废"
lead = "fgw"

[[clusters.chains.links]]
name = "固废收集与预处理"
position = "up"
strength = "weak"
industry_codes = ["4210", "4220", "7723"]
keywords = ["固废", "废钢", "回收", "分拣"]

[[clusters.chains.links]]
name = "冶炼渣综合利用"
position = "mid"
strength = "weak"
industry_codes = ["3099", "4220"]
keywords = ["钢渣", "矿渣", "冶炼渣", "尾渣"]

[[clusters.chains.links.children]]
name = "钢渣与矿渣微粉"
position = "mid"
strength = "weak"
industry_codes = ["3029", "3099"]
keywords = ["钢渣微粉", "矿渣微粉", "掺合料"]

[[clusters.chains.links.children]]
name = "锌渣有价金属回收"
position = "mid"
strength = "weak"
industry_codes = ["3212", "4210", "7724"]
keywords = ["锌渣", "有价金属", "危废", "回转窑"]

[[clusters.chains.links]]
name = "尾矿综合利用"
position = "mid"
strength = "missing"
industry_codes = ["1019", "3031", "4220"]
keywords = ["尾矿", "尾砂", "砂石骨料"]

[[clusters.chains.links]]
name = "粉煤灰与脱硫石膏利用"
position = "mid"
strength = "missing"
industry_codes = ["3012", "3024"]
keywords = ["粉煤灰", "脱硫石膏", "石膏板"]

[[clusters.chains.links]]
name = "再生建材产品"
position = "down"
strength = "weak"
industry_codes = ["3031", "3021", "3024"]
keywords = ["再生骨料", "再生砖", "透水砖", "固废建材"]


# ════ 产业集群：文化旅游 ════
[[clusters]]
name = "文化旅游"

# ── 文化旅游 / 景区
[[clusters.chains]]
name = "景区"
lead = "wlj"

[[clusters.chains.links]]
name = "景区规划设计"
position = "up"
strength = "weak"
industry_codes = ["7485", "7492"]
keywords = ["景区规划", "旅游规划", "景观设计"]

[[clusters.chains.links]]
name = "景区开发建设"
position = "up"
strength = "weak"
industry_codes = ["4893", "4891"]
keywords = ["景区建设", "游乐设施", "园林工程"]

[[clusters.chains.links]]
name = "景区运营管理"
position = "mid"
strength = "strong"
industry_codes = ["7861", "7869", "7862"]
keywords = ["景区", "名胜", "运营管理", "A级景区"]

[[clusters.chains.links.children]]
name = "自然生态景区"
position = "mid"
strength = "strong"
industry_codes = ["7861", "7862", "7712"]
keywords = ["天坑群", "秦岭", "黎坪", "森林公园"]

[[clusters.chains.links.children]]
name = "两汉三国文化景区"
position = "mid"
strength = "strong"
industry_codes = ["7869", "8840", "8850"]
keywords = ["两汉三国", "武侯祠", "拜将坛", "古镇", "博物馆"]

[[clusters.chains.links]]
name = "智慧景区"
position = "mid"
strength = "missing"
industry_codes = ["6531", "6432"]
keywords = ["智慧景区", "票务系统", "数字文旅", "导览"]

[[clusters.chains.links]]
name = "旅游交通"
position = "down"
strength = "weak"
industry_codes = ["5422", "3436"]
keywords = ["旅游客运", "索道", "观光车"]

[[clusters.chains.links]]
name = "旅游住宿餐饮"
position = "down"
strength = "weak"
industry_codes = ["6110", "6210"]
keywords = ["酒店", "度假", "餐饮"]

[[clusters.chains.links]]
name = "旅行服务"
position = "down"
strength = "weak"
industry_codes = ["7291"]
keywords = ["旅行社", "研学", "导游", "地接"]

# ── 文化旅游 / 乡村旅游
[[clusters.chains]]
name = "乡村旅游"
lead = "wlj"

[[clusters.chains.links]]
name = "田园景观资源"
position = "up"
strength = "strong"
industry_codes = ["0122", "0164", "9030"]
keywords = ["油菜花", "茶园", "田园", "花海"]

[[clusters.chains.links]]
name = "民宿与露营"
position = "mid"
strength = "weak"
industry_codes = ["6130", "6140"]
keywords = ["民宿", "露营", "乡村酒店"]

[[clusters.chains.links]]
name = "农家乐与乡村餐饮"
position = "mid"
strength = "strong"
industry_codes = ["6210", "6291"]
keywords = ["农家乐", "农家菜", "乡村餐饮"]

[[clusters.chains.links]]
name = "休闲农业与研学"
position = "mid"
strength = "weak"
industry_codes = ["9030", "8399"]
keywords = ["休闲农业", "采摘", "研学", "农业观光"]

[[clusters.chains.links]]
name = "乡村特产与电商"
position = "down"
strength = "missing"
industry_codes = ["5292", "2439"]
keywords = ["农特产品", "伴手礼", "农村电商"]

[[clusters.chains.links]]
name = "乡村旅游运营与营销"
position = "down"
strength = "missing"
industry_codes = ["7291", "7259"]
keywords = ["乡村运营", "品牌营销", "旅游推广"]

# ── 文化旅游 / 文娱演艺
[[clusters.chains]]
name = "文娱演艺"
lead = "wlj"

[[clusters.chains.links]]
name = "剧目创作"
position = "up"
strength = "weak"
industry_codes = ["8810"]
keywords = ["原创剧目", "汉调桄桄", "剧本", "创作"]

[[clusters.chains.links]]
name = "舞台装备与技术"
position = "up"
strength = "missing"
industry_codes = ["3873", "3934"]
keywords = ["舞台灯光", "专业音响", "舞美", "舞台机械"]

[[clusters.chains.links]]
name = "演出场馆"
position = "mid"
strength = "weak"
industry_codes = ["8820"]
keywords = ["剧院", "演艺中心", "剧场"]

[[clusters.chains.links]]
name = "旅游演艺"
position = "mid"
strength = "missing"
industry_codes = ["8810", "9051"]
keywords = ["实景演出", "驻场演出", "沉浸式", "夜游"]

[[clusters.chains.links]]
name = "演出经纪与票务"
position = "down"
strength = "missing"
industry_codes = ["9053", "7298"]
keywords = ["演出经纪", "票务", "经纪公司"]

[[clusters.chains.links]]
name = "娱乐消费"
position = "down"
strength = "weak"
industry_codes = ["9011", "9019"]
keywords = ["KTV", "剧本杀", "室内娱乐"]

# ── 文化旅游 / 文化创意
[[clusters.chains]]
name = "文化创意"
lead = "wlj"

[[clusters.chains.links]]
name = "文化资源与IP"
position = "up"
strength = "strong"
industry_codes = ["8840", "8850"]
keywords = ["两汉三国", "汉文化", "非遗", "文物"]

[[clusters.chains.links]]
name = "创意设计"
position = "mid"
strength = "weak"
industry_codes = ["7492", "7491"]
keywords = ["文创设计", "创意设计", "工业设计"]

[[clusters.chains.links]]
name = "数字内容与动漫"
position = "mid"
strength = "missing"
industry_codes = ["6572", "8730", "6579"]
keywords = ["动漫", "数字内容", "影视", "游戏"]

[[clusters.chains.links]]
name = "文创产品制造"
position = "mid"
strength = "weak"
industry_codes = ["2439", "2431", "2436"]
keywords = ["文创产品", "工艺品", "礼品"]

[[clusters.chains.links.children]]
name = "非遗工艺品"
position = "mid"
strength = "weak"
industry_codes = ["2436", "2435", "2433"]
keywords = ["羌绣", "藤编", "竹编", "非遗"]

[[clusters.chains.links]]
name = "文创营销与交易"
position = "down"
strength = "missing"
industry_codes = ["5146", "5246", "5184"]
keywords = ["文创商店", "艺术品", "工艺品销售"]

# ── 文化旅游 / 商旅融合
[[clusters.chains]]
name = "商旅融合"
lead = "swj"

[[clusters.chains.links]]
name = "特色美食供应链"
position = "up"
strength = "strong"
industry_codes = ["1431", "1371"]
keywords = ["汉中面皮", "米皮", "菜豆腐", "特色食品"]

[[clusters.chains.links]]
name = "商业街区与综合体"
position = "mid"
strength = "weak"
industry_codes = ["7222", "5211"]
keywords = ["商业街区", "综合体", "步行街", "古城"]

[[clusters.chains.links]]
name = "夜间经济"
position = "mid"
strength = "weak"
industry_codes = ["6299", "9030", "6233"]
keywords = ["夜市", "夜游", "小吃", "酒吧"]

[[clusters.chains.links]]
name = "特产零售与伴手礼"
position = "down"
strength = "weak"
industry_codes = ["5226", "5229", "5246"]
keywords = ["特产", "伴手礼", "茶叶零售"]

[[clusters.chains.links]]
name = "免税与新零售"
position = "down"
strength = "missing"
industry_codes = ["5219", "5292"]
keywords = ["免税", "跨境电商", "直播带货"]

[[clusters.chains.links]]
name = "商旅服务平台"
position = "down"
strength = "missing"
industry_codes = ["6432", "7291"]
keywords = ["旅游平台", "在线预订", "商旅服务"]

# ── 文化旅游 / 赛事
[[clusters.chains]]
name = "赛事"
lead = "tyj"

[[clusters.chains.links]]
name = "赛事IP与策划"
position = "up"
strength = "weak"
industry_codes = ["8911", "9054"]
keywords = ["赛事策划", "马拉松", "赛事IP"]

[[clusters.chains.links]]
name = "体育用品制造"
position = "up"
strength = "missing"
industry_codes = ["2442", "2443", "2449"]
keywords = ["运动器材", "户外装备", "体育用品"]

[[clusters.chains.links]]
name = "体育场馆与设施"
position = "mid"
strength = "weak"
industry_codes = ["8921", "4720"]
keywords = ["体育场馆", "体育中心", "场地设施"]

[[clusters.chains.links]]
name = "户外运动"
position = "mid"
strength = "weak"
industry_codes = ["8930", "8929"]
keywords = ["徒步", "骑行", "漂流", "越野"]

[[clusters.chains.links]]
name = "赛事运营与转播"
position = "down"
strength = "missing"
industry_codes = ["9052", "8720"]
keywords = ["赛事运营", "转播", "体育表演"]

[[clusters.chains.links]]
name = "体育培训与健身"
position = "down"
strength = "weak"
industry_codes = ["8392", "8930"]
keywords = ["体育培训", "健身", "训练营"]

# ── 文化旅游 / 会展
[[clusters.chains]]
name = "会展"
lead = "swj"

[[clusters.chains.links]]
name = "会展场馆"
position = "up"
strength = "weak"
industry_codes = ["7289", "8921"]
keywords = ["会展中心", "展馆", "会议中心"]

[[clusters.chains.links]]
name = "会展策划与组织"
position = "mid"
strength = "weak"
industry_codes = ["7284", "7282", "7281"]
keywords = ["展会", "博览会", "节会", "会议"]

[[clusters.chains.links]]
name = "展览搭建与设计"
position = "mid"
strength = "missing"
industry_codes = ["7289", "7492"]
keywords = ["展台搭建", "展览设计", "特装"]

[[clusters.chains.links]]
name = "会展配套服务"
position = "down"
strength = "weak"
industry_codes = ["6110", "7298", "7294"]
keywords = ["会议酒店", "票务", "翻译", "接待"]

[[clusters.chains.links]]
name = "数字会展"
position = "down"
strength = "missing"
industry_codes = ["6431", "6579"]
keywords = ["云展会", "线上展会", "数字会展"]

# ── 文化旅游 / 出版印刷
[[clusters.chains]]
name = "出版印刷"
lead = "wlj"

[[clusters.chains.links]]
name = "纸张与印刷材料"
position = "up"
strength = "weak"
industry_codes = ["2221", "2642"]
keywords = ["纸张", "油墨", "纸板", "印刷耗材"]

[[clusters.chains.links]]
name = "印刷设备"
position = "up"
strength = "missing"
industry_codes = ["3542"]
keywords = ["印刷机", "印刷设备", "数码印刷"]

[[clusters.chains.links]]
name = "内容出版"
position = "mid"
strength = "weak"
industry_codes = ["8621", "8623", "8626"]
keywords = ["图书出版", "期刊", "数字出版"]

[[clusters.chains.links]]
name = "印刷"
position = "mid"
strength = "strong"
industry_codes = ["2311", "2319", "2320"]
keywords = ["印刷", "包装印刷", "书刊印刷"]

[[clusters.chains.links.children]]
name = "书刊印刷"
position = "mid"
strength = "strong"
industry_codes = ["2311", "2312"]
keywords = ["书刊印刷", "本册", "教材印刷"]

[[clusters.chains.links.children]]
name = "包装装潢印刷"
position = "mid"
strength = "weak"
industry_codes = ["2319", "2231"]
keywords = ["包装印刷", "纸箱", "彩盒", "茶叶包装"]

[[clusters.chains.links]]
name = "发行与零售"
position = "down"
strength = "weak"
industry_codes = ["5143", "5243"]
keywords = ["图书发行", "书店", "发行"]


# ════ 产业集群：绿色能源 ════
[[clusters]]
name = "绿色能源"

# ── 绿色能源 / 水电
[[clusters.chains]]
name = "水电"
lead = "fgw"

[[clusters.chains.links]]
name = "水电勘测设计"
position = "up"
strength = "weak"
industry_codes = ["7483", "7484"]
keywords = ["勘测", "水电设计", "水文"]

[[clusters.chains.links]]
name = "水电设备"
position = "up"
strength = "missing"
industry_codes = ["3414", "3811"]
keywords = ["水轮机", "发电机组", "水电设备"]

[[clusters.chains.links]]
name = "水电站建设"
position = "mid"
strength = "strong"
industry_codes = ["4872", "4821"]
keywords = ["水电站", "水利枢纽", "水电工程"]

[[clusters.chains.links]]
name = "水力发电"
position = "mid"
strength = "strong"
industry_codes = ["4413"]
keywords = ["水电", "小水电", "梯级电站"]

[[clusters.chains.links]]
name = "抽水蓄能"
position = "mid"
strength = "missing"
industry_codes = ["4413", "4872"]
keywords = ["抽水蓄能", "蓄能电站"]

[[clusters.chains.links]]
name = "电站运维与增效扩容"
position = "down"
strength = "weak"
industry_codes = ["4350", "4330"]
keywords = ["电站运维", "检修", "增效扩容", "智慧电站"]

# ── 绿色能源 / 光伏
[[clusters.chains]]
name = "光伏"
lead = "fgw"

[[clusters.chains.links]]
name = "硅料与硅片"
position = "up"
strength = "missing"
industry_codes = ["3218", "3985"]
keywords = ["多晶硅", "工业硅", "硅片"]

[[clusters.chains.links]]
name = "电池片与组件"
position = "mid"
strength = "missing"
industry_codes = ["3825"]
keywords = ["光伏组件", "电池片", "光伏电池"]

[[clusters.chains.links.children]]
name = "光伏电池片"
position = "mid"
strength = "missing"
industry_codes = ["3825"]
keywords = ["电池片", "TOPCon", "异质结"]

[[clusters.chains.links.children]]
name = "光伏组件封装"
position = "mid"
strength = "missing"
industry_codes = ["3825", "3042"]
keywords = ["组件", "光伏玻璃", "封装"]

[[clusters.chains.links]]
name = "光伏支架与辅材"
position = "mid"
strength = "weak"
industry_codes = ["3311", "3252"]
keywords = ["光伏支架", "铝边框", "接线盒"]

[[clusters.chains.links]]
name = "逆变器"
position = "mid"
strength = "missing"
industry_codes = ["3824", "3829"]
keywords = ["逆变器", "汇流箱", "光伏逆变器"]

[[clusters.chains.links]]
name = "光伏电站建设"
position = "down"
strength = "strong"
industry_codes = ["4875", "4416"]
keywords = ["光伏电站", "分布式光伏", "农光互补"]

[[clusters.chains.links]]
name = "光伏运维"
position = "down"
strength = "weak"
industry_codes = ["4350", "7515"]
keywords = ["光伏运维", "组件清洗", "电站运维"]

# ── 绿色能源 / 储能
[[clusters.chains]]
name = "储能"
lead = "fgw"

[[clusters.chains.links]]
name = "储能材料"
position = "up"
strength = "missing"
industry_codes = ["2613", "3091", "3985"]
keywords = ["正极材料", "负极材料", "电解液", "隔膜"]

[[clusters.chains.links]]
name = "电芯制造"
position = "mid"
strength = "missing"
industry_codes = ["3841", "3849"]
keywords = ["电芯", "锂电池", "储能电池", "钠离子电池"]

[[clusters.chains.links]]
name = "电池结构件与BMS"
position = "mid"
strength = "weak"
industry_codes = ["3841", "3829"]
keywords = ["电池结构件", "电池壳", "BMS", "电池管理"]

[[clusters.chains.links]]
name = "储能系统集成"
position = "mid"
strength = "weak"
industry_codes = ["3829", "3849"]
keywords = ["储能柜", "PCS", "系统集成", "集装箱储能"]

[[clusters.chains.links]]
name = "储能电站与应用"
position = "down"
strength = "weak"
industry_codes = ["4419", "4420"]
keywords = ["储能电站", "用户侧储能", "共享储能"]

[[clusters.chains.links]]
name = "电池回收利用"
position = "down"
strength = "missing"
industry_codes = ["4210", "7724"]
keywords = ["电池回收", "梯次利用", "再生利用"]

# ── 绿色能源 / 生物质能
[[clusters.chains]]
name = "生物质能"
lead = "fgw"

[[clusters.chains.links]]
name = "农林废弃物收储"
position = "up"
strength = "weak"
industry_codes = ["0523", "5191"]
keywords = ["秸秆", "林业剩余物", "收储运"]

[[clusters.chains.links]]
name = "生物质成型燃料"
position = "mid"
strength = "weak"
industry_codes = ["2542"]
keywords = ["颗粒燃料", "成型燃料", "生物质燃料"]

[[clusters.chains.links]]
name = "生物质发电与供热"
position = "mid"
strength = "weak"
industry_codes = ["4417", "4430"]
keywords = ["生物质发电", "热电联产", "供热"]

[[clusters.chains.links]]
name = "沼气与生物天然气"
position = "mid"
strength = "missing"
industry_codes = ["4520", "0532"]
keywords = ["沼气", "生物天然气", "畜禽粪污"]

[[clusters.chains.links]]
name = "有机肥"
position = "down"
strength = "weak"
industry_codes = ["2625"]
keywords = ["有机肥", "沼渣", "生物有机肥"]


# ════ 产业集群：特色农业 ════
[[clusters]]
name = "特色农业"

# ── 特色农业 / 茶叶
[[clusters.chains]]
name = "茶叶"
lead = "nyj"

[[clusters.chains.links]]
name = "茶苗繁育与茶园种植"
position = "up"
strength = "strong"
industry_codes = ["0164", "0511"]
keywords = ["茶园", "茶苗", "汉中仙毫", "茶叶种植"]

[[clusters.chains.links]]
name = "茶叶机械与包装"
position = "up"
strength = "weak"
industry_codes = ["3531", "2231"]
keywords = ["茶叶机械", "揉捻机", "茶叶包装"]

[[clusters.chains.links]]
name = "茶叶初制精制"
position = "mid"
strength = "strong"
industry_codes = ["1530", "0514"]
keywords = ["茶叶加工", "绿茶", "汉中仙毫", "毛茶"]

[[clusters.chains.links]]
name = "茶叶精深加工"
position = "mid"
strength = "missing"
industry_codes = ["1529", "1525", "1495"]
keywords = ["茶饮料", "速溶茶", "茶多酚", "抹茶"]

[[clusters.chains.links.children]]
name = "茶饮料与速溶茶"
position = "mid"
strength = "missing"
industry_codes = ["1529", "1525"]
keywords = ["茶饮料", "速溶茶", "茶粉"]

[[clusters.chains.links.children]]
name = "茶叶提取物"
position = "mid"
strength = "missing"
industry_codes = ["1495", "2684"]
keywords = ["茶多酚", "茶提取物", "茶氨酸"]

[[clusters.chains.links]]
name = "品牌营销与流通"
position = "down"
strength = "weak"
industry_codes = ["5127", "5226", "5292"]
keywords = ["茶叶批发", "茶叶零售", "茶叶电商", "品牌"]

[[clusters.chains.links]]
name = "茶文旅融合"
position = "down"
strength = "weak"
industry_codes = ["6231", "9030"]
keywords = ["茶馆", "茶旅", "茶园观光"]

# ── 特色农业 / 粮油
[[clusters.chains]]
name = "粮油"
lead = "nyj"

[[clusters.chains.links]]
name = "良种繁育"
position = "up"
strength = "weak"
industry_codes = ["0511"]
keywords = ["种子", "育种", "水稻良种", "油菜良种"]

[[clusters.chains.links]]
name = "优质稻与油菜种植"
position = "up"
strength = "strong"
industry_codes = ["0111", "0122"]
keywords = ["水稻", "油菜", "朱鹮稻米", "种植"]

[[clusters.chains.links]]
name = "稻米加工"
position = "mid"
strength = "strong"
industry_codes = ["1311"]
keywords = ["大米", "稻米加工", "有机大米"]

[[clusters.chains.links]]
name = "菜籽油加工"
position = "mid"
strength = "weak"
industry_codes = ["1331"]
keywords = ["菜籽油", "食用油", "压榨"]

[[clusters.chains.links]]
name = "米制品与副产物利用"
position = "down"
strength = "weak"
industry_codes = ["1431", "1329"]
keywords = ["米皮", "米粉", "米糠", "饲料"]

[[clusters.chains.links]]
name = "粮油仓储物流"
position = "down"
strength = "weak"
industry_codes = ["5951", "5121"]
keywords = ["粮食仓储", "粮油批发", "物流"]

# ── 特色农业 / 生猪
[[clusters.chains]]
name = "生猪"
lead = "nyj"

[[clusters.chains.links]]
name = "饲料"
position = "up"
strength = "strong"
industry_codes = ["1329"]
keywords = ["饲料", "配合饲料", "预混料"]

[[clusters.chains.links]]
name = "种猪繁育"
position = "up"
strength = "weak"
industry_codes = ["0531", "0313"]
keywords = ["种猪", "良种", "繁育"]

[[clusters.chains.links]]
name = "生猪养殖"
position = "mid"
strength = "strong"
industry_codes = ["0313"]
keywords = ["生猪", "养殖", "养猪场"]

[[clusters.chains.links]]
name = "屠宰"
position = "mid"
strength = "weak"
industry_codes = ["1351"]
keywords = ["屠宰", "生猪屠宰", "分割"]

[[clusters.chains.links]]
name = "肉制品加工"
position = "down"
strength = "missing"
industry_codes = ["1353", "1451"]
keywords = ["腊肉", "镇巴腊肉", "肉制品", "冷鲜肉"]

[[clusters.chains.links]]
name = "冷链物流"
position = "down"
strength = "missing"
industry_codes = ["5930", "5432"]
keywords = ["冷链", "冷库", "冷藏运输"]

[[clusters.chains.links]]
name = "粪污资源化"
position = "down"
strength = "weak"
industry_codes = ["0532", "2625"]
keywords = ["粪污处理", "有机肥", "种养循环"]

# ── 特色农业 / 食用菌
[[clusters.chains]]
name = "食用菌"
lead = "nyj"

[[clusters.chains.links]]
name = "菌种与菌棒"
position = "up"
strength = "weak"
industry_codes = ["0511", "0142"]
keywords = ["菌种", "菌棒", "菌包"]

[[clusters.chains.links]]
name = "香菇木耳种植"
position = "mid"
strength = "strong"
industry_codes = ["0142"]
keywords = ["香菇", "木耳", "食用菌", "大棚"]

[[clusters.chains.links]]
name = "食用菌初加工"
position = "mid"
strength = "weak"
industry_codes = ["1372"]
keywords = ["干香菇", "菌菇加工", "烘干"]

[[clusters.chains.links]]
name = "食用菌精深加工"
position = "mid"
strength = "missing"
industry_codes = ["1469", "1492"]
keywords = ["香菇酱", "菌多糖", "保健品"]

[[clusters.chains.links]]
name = "流通与电商"
position = "down"
strength = "weak"
industry_codes = ["5123", "5292"]
keywords = ["农产品批发", "食用菌电商", "冷链"]

[[clusters.chains.links]]
name = "菌渣利用"
position = "down"
strength = "missing"
industry_codes = ["2625", "1329"]
keywords = ["菌渣", "有机肥", "饲料"]

# ── 特色农业 / 中药材
[[clusters.chains]]
name = "中药材"
lead = "nyj"

[[clusters.chains.links]]
name = "种苗繁育"
position = "up"
strength = "weak"
industry_codes = ["0511"]
keywords = ["种苗", "种源", "组培"]

[[clusters.chains.links]]
name = "道地药材种植"
position = "up"
strength = "strong"
industry_codes = ["0171"]
keywords = ["天麻", "杜仲", "附子", "元胡", "中药材"]

[[clusters.chains.links.children]]
name = "天麻"
position = "up"
strength = "strong"
industry_codes = ["0171"]
keywords = ["天麻", "乌天麻", "林下种植"]

[[clusters.chains.links.children]]
name = "杜仲"
position = "up"
strength = "strong"
industry_codes = ["0171"]
keywords = ["杜仲", "杜仲叶", "杜仲胶"]

[[clusters.chains.links.children]]
name = "附子与元胡"
position = "up"
strength = "weak"
industry_codes = ["0171"]
keywords = ["附子", "元胡", "城固元胡"]

[[clusters.chains.links]]
name = "中药饮片"
position = "mid"
strength = "weak"
industry_codes = ["2730"]
keywords = ["中药饮片", "炮制", "切片"]

[[clusters.chains.links]]
name = "中成药与提取物"
position = "mid"
strength = "missing"
industry_codes = ["2740", "2710"]
keywords = ["中成药", "植物提取物", "配方颗粒"]

[[clusters.chains.links]]
name = "大健康产品"
position = "down"
strength = "missing"
industry_codes = ["1492", "2682"]
keywords = ["保健食品", "药膳", "植物日化"]

[[clusters.chains.links]]
name = "中药材仓储与交易"
position = "down"
strength = "weak"
industry_codes = ["5960", "5152"]
keywords = ["中药材仓储", "交易市场", "中药批发"]
', 'system:gen', '2026-12-04T23:51:03.266685+00:00');
INSERT INTO "clusters" ("id", "name", "sort", "active", "since_version_id", "retired_version_id") VALUES (1, '装备制造', 0, '1', 1, NULL);
INSERT INTO "clusters" ("id", "name", "sort", "active", "since_version_id", "retired_version_id") VALUES (2, '现代材料', 1, '1', 1, NULL);
INSERT INTO "clusters" ("id", "name", "sort", "active", "since_version_id", "retired_version_id") VALUES (3, '文化旅游', 2, '1', 1, NULL);
INSERT INTO "clusters" ("id", "name", "sort", "active", "since_version_id", "retired_version_id") VALUES (4, '绿色能源', 3, '1', 1, NULL);
INSERT INTO "chains" ("id", "cluster_id", "name", "lead_unit_id", "sort", "active", "since_version_id", "retired_version_id") VALUES (1, 1, '航空装备', 24, 0, '1', 1, NULL);
INSERT INTO "chains" ("id", "cluster_id", "name", "lead_unit_id", "sort", "active", "since_version_id", "retired_version_id") VALUES (8, 2, '有色', 24, 1, '1', 1, NULL);
INSERT INTO "chains" ("id", "cluster_id", "name", "lead_unit_id", "sort", "active", "since_version_id", "retired_version_id") VALUES (12, 3, '景区', 27, 0, '1', 1, NULL);
INSERT INTO "chains" ("id", "cluster_id", "name", "lead_unit_id", "sort", "active", "since_version_id", "retired_version_id") VALUES (20, 4, '水电', 25, 0, '1', 1, NULL);
INSERT INTO "links" ("id", "chain_id", "parent_id", "name", "position", "strength", "industry_codes", "keywords", "sort", "active", "since_version_id", "retired_version_id", "updated_at") VALUES (8, 1, NULL, '机载设备', 'mid', 'missing', '3744,3940,4023', '机载设备,航电,飞控,机电系统', 3, '1', 1, NULL, '2026-12-04T23:51:03.285567+00:00');
INSERT INTO "links" ("id", "chain_id", "parent_id", "name", "position", "strength", "industry_codes", "keywords", "sort", "active", "since_version_id", "retired_version_id", "updated_at") VALUES (65, 8, NULL, '有色矿采选', 'up', 'strong', '0912,0911,0921', '铅锌矿,铜矿,金矿,选矿', 0, '1', 1, NULL, '2026-12-04T23:51:03.308462+00:00');
INSERT INTO "links" ("id", "chain_id", "parent_id", "name", "position", "strength", "industry_codes", "keywords", "sort", "active", "since_version_id", "retired_version_id", "updated_at") VALUES (66, 8, NULL, '有色冶炼', 'mid', 'strong', '3212,3211', '锌冶炼,电解锌,铅锌冶炼,粗铜', 1, '1', 1, NULL, '2026-12-04T23:51:03.308805+00:00');
INSERT INTO "links" ("id", "chain_id", "parent_id", "name", "position", "strength", "industry_codes", "keywords", "sort", "active", "since_version_id", "retired_version_id", "updated_at") VALUES (68, 8, NULL, '有色合金与压延', 'down', 'missing', '3240,3252,3251', '锌合金,铝型材,铜材,压铸合金', 3, '1', 1, NULL, '2026-12-04T23:51:03.309507+00:00');
INSERT INTO "links" ("id", "chain_id", "parent_id", "name", "position", "strength", "industry_codes", "keywords", "sort", "active", "since_version_id", "retired_version_id", "updated_at") VALUES (71, 8, NULL, '有色化工产品', 'down', 'weak', '2613,2611', '氧化锌,硫酸锌,硫酸,副产品', 4, '1', 1, NULL, '2026-12-04T23:51:03.310598+00:00');
INSERT INTO "links" ("id", "chain_id", "parent_id", "name", "position", "strength", "industry_codes", "keywords", "sort", "active", "since_version_id", "retired_version_id", "updated_at") VALUES (97, 12, NULL, '旅游交通', 'down', 'weak', '5422,3436', '旅游客运,索道,观光车', 4, '1', 1, NULL, '2026-12-04T23:51:03.321260+00:00');
INSERT INTO "links" ("id", "chain_id", "parent_id", "name", "position", "strength", "industry_codes", "keywords", "sort", "active", "since_version_id", "retired_version_id", "updated_at") VALUES (144, 20, NULL, '水电站建设', 'mid', 'strong', '4872,4821', '水电站,水利枢纽,水电工程', 2, '1', 1, NULL, '2026-12-04T23:51:03.339779+00:00');
INSERT INTO "enterprises" ("id", "uscc", "uscc_valid", "uscc_note", "name", "name_norm", "former_names", "legal_rep", "established_on", "capital_wan", "capital_currency", "status", "company_type", "industry_code", "region_code", "address", "business_scope", "revenue_wan", "employees", "tags", "listing", "is_local", "merged_into_id", "created_by_unit_id", "created_at", "updated_at", "version") VALUES (1, '911101056418QM050R', '1', '', '秦岭航空零部件有限公司', '秦岭航空零部件有限公司', '', '胡刚', '2000-04-10', 17246800, 'CNY', '注销', '有限责任公司', '3741', '110105', '', '其他水泥类似制品制造；技术开发、技术服务；货物进出口。', NULL, 207, 'specialized', '', '0', NULL, NULL, '2026-12-04T23:51:03.439362+00:00', '2026-12-04T23:51:03.439362+00:00', 1);
INSERT INTO "enterprises" ("id", "uscc", "uscc_valid", "uscc_note", "name", "name_norm", "former_names", "legal_rep", "established_on", "capital_wan", "capital_currency", "status", "company_type", "industry_code", "region_code", "address", "business_scope", "revenue_wan", "employees", "tags", "listing", "is_local", "merged_into_id", "created_by_unit_id", "created_at", "updated_at", "version") VALUES (24, '9133010318RRE0FB2Y', '1', '', '杭州秦岭旅游客运科技有限公司', '杭州秦岭旅游客运科技有限公司', '', '马明', '2009-04-05', 1114900, 'CNY', '存续', '有限责任公司', '5422', '330103', '', '旅游客运；技术开发、技术服务；货物进出口。', NULL, 96, 'high_tech', '', '0', NULL, NULL, '2026-12-04T23:51:03.439362+00:00', '2026-12-04T23:51:03.439362+00:00', 1);
INSERT INTO "enterprises" ("id", "uscc", "uscc_valid", "uscc_note", "name", "name_norm", "former_names", "legal_rep", "established_on", "capital_wan", "capital_currency", "status", "company_type", "industry_code", "region_code", "address", "business_scope", "revenue_wan", "employees", "tags", "listing", "is_local", "merged_into_id", "created_by_unit_id", "created_at", "updated_at", "version") VALUES (55, '9150011922QEM39Q0K', '1', '', '重庆信达医疗用品股份有限公司', '重庆信达医疗用品股份有限公司', '', '孙思远', '2023-06-17', 6324900, 'CNY', '在业', '有限责任公司', '5254', '500119', '', '医疗用品及器材零售；技术开发、技术服务；货物进出口。', NULL, 2885, '', '', '0', NULL, NULL, '2026-12-04T23:51:03.439362+00:00', '2026-12-04T23:51:03.439362+00:00', 1);
INSERT INTO "enterprises" ("id", "uscc", "uscc_valid", "uscc_note", "name", "name_norm", "former_names", "legal_rep", "established_on", "capital_wan", "capital_currency", "status", "company_type", "industry_code", "region_code", "address", "business_scope", "revenue_wan", "employees", "tags", "listing", "is_local", "merged_into_id", "created_by_unit_id", "created_at", "updated_at", "version") VALUES (189, '9161032997659PEE8R', '1', '', '宝鸡秦岭农业科学研实业有限公司', '宝鸡秦岭农业科学研实业有限公司', '', '李子涵', '1996-04-23', 302300, 'CNY', '存续', '有限责任公司', '7330', '610329', '', '农业科学研究和试验发展；技术开发、技术服务；货物进出口。', NULL, 366, '', '', '0', NULL, NULL, '2026-12-04T23:51:03.439362+00:00', '2026-12-04T23:51:03.439362+00:00', 1);
INSERT INTO "enterprises" ("id", "uscc", "uscc_valid", "uscc_note", "name", "name_norm", "former_names", "legal_rep", "established_on", "capital_wan", "capital_currency", "status", "company_type", "industry_code", "region_code", "address", "business_scope", "revenue_wan", "employees", "tags", "listing", "is_local", "merged_into_id", "created_by_unit_id", "created_at", "updated_at", "version") VALUES (192, '914403041014CUQD20', '1', '', '深圳信达搬家运输科技有限公司', '深圳信达搬家运输科技有限公司', '', '谢秀英', '2012-09-27', 13482500, 'CNY', '在业', '有限责任公司', '5438', '440304', '', '搬家运输；技术开发、技术服务；货物进出口。', NULL, 1730, '', '', '0', NULL, NULL, '2026-12-04T23:51:03.439362+00:00', '2026-12-04T23:51:03.439362+00:00', 1);
INSERT INTO "enterprises" ("id", "uscc", "uscc_valid", "uscc_note", "name", "name_norm", "former_names", "legal_rep", "established_on", "capital_wan", "capital_currency", "status", "company_type", "industry_code", "region_code", "address", "business_scope", "revenue_wan", "employees", "tags", "listing", "is_local", "merged_into_id", "created_by_unit_id", "created_at", "updated_at", "version") VALUES (333, '9144011312ARREUL64', '1', '', '广州海川小麦种植集团有限公司', '广州海川小麦种植集团有限公司', '', '沈勇', '2008-05-21', 5480200, 'CNY', '在业', '有限责任公司', '0112', '440113', '', '小麦种植；技术开发、技术服务；货物进出口。', NULL, 1523, '', '', '0', NULL, NULL, '2026-12-04T23:51:03.439362+00:00', '2026-12-04T23:51:03.439362+00:00', 1);
INSERT INTO "enterprises" ("id", "uscc", "uscc_valid", "uscc_note", "name", "name_norm", "former_names", "legal_rep", "established_on", "capital_wan", "capital_currency", "status", "company_type", "industry_code", "region_code", "address", "business_scope", "revenue_wan", "employees", "tags", "listing", "is_local", "merged_into_id", "created_by_unit_id", "created_at", "updated_at", "version") VALUES (586, '9144011830G10W7L68', '1', '', '广州恒通水力发电工实业有限公司', '广州恒通水力发电工实业有限公司', '', '谢海燕', '2023-08-23', 18688300, 'CNY', '注销', '有限责任公司', '4872', '440118', '', '水力发电工程施工；技术开发、技术服务；货物进出口。', NULL, 922, '', '', '0', NULL, NULL, '2026-12-04T23:51:03.439362+00:00', '2026-12-04T23:51:03.439362+00:00', 1);
INSERT INTO "enterprises" ("id", "uscc", "uscc_valid", "uscc_note", "name", "name_norm", "former_names", "legal_rep", "established_on", "capital_wan", "capital_currency", "status", "company_type", "industry_code", "region_code", "address", "business_scope", "revenue_wan", "employees", "tags", "listing", "is_local", "merged_into_id", "created_by_unit_id", "created_at", "updated_at", "version") VALUES (627, '9161032919CE8XCB5B', '1', '', '宝鸡智源航空相关设股份有限公司', '宝鸡智源航空相关设股份有限公司', '', '陈浩然', '2001-07-16', 7139000, 'CNY', '在业', '有限责任公司', '3744', '610329', '', '航空相关设备制造；技术开发、技术服务；货物进出口。', NULL, 2646, '', '', '0', NULL, NULL, '2026-12-04T23:51:03.439362+00:00', '2026-12-04T23:51:03.439362+00:00', 1);
INSERT INTO "enterprises" ("id", "uscc", "uscc_valid", "uscc_note", "name", "name_norm", "former_names", "legal_rep", "established_on", "capital_wan", "capital_currency", "status", "company_type", "industry_code", "region_code", "address", "business_scope", "revenue_wan", "employees", "tags", "listing", "is_local", "merged_into_id", "created_by_unit_id", "created_at", "updated_at", "version") VALUES (687, '9133022620YDE6G46F', '1', '', '宁波宏达铝压延集团有限公司', '宁波宏达铝压延集团有限公司', '', '周红', '2002-11-27', 7902500, 'CNY', '注销', '有限责任公司', '3252', '330226', '', '铝压延加工；技术开发、技术服务；货物进出口。', NULL, 2098, '', '', '0', NULL, NULL, '2026-12-04T23:51:03.439362+00:00', '2026-12-04T23:51:03.439362+00:00', 1);
INSERT INTO "contacts" ("id", "enterprise_id", "unit_id", "name", "title", "phone", "wechat", "is_native", "home_county", "note", "created_at") VALUES (56, 192, 30, '王娜', '副总经理', '13918286446', '', '0', '', '', '2026-12-04T23:51:03.439362+00:00');
INSERT INTO "targets" ("id", "enterprise_id", "owner_unit_id", "owner_user_id", "priority", "status", "drop_reason", "source", "note", "last_contact_on", "region_code", "tags", "search_text", "created_at", "updated_at", "version") VALUES (1, 333, 2, 7, 'B', 'converted', '', '链主企业配套', '', '2026-10-09', '440113', '', '广州海川小麦种植集团有限公司||9144011312ARREUL64', '2026-03-28T23:51:03.439362+00:00', '2026-11-19T05:46:33.439362+00:00', 1);
INSERT INTO "targets" ("id", "enterprise_id", "owner_unit_id", "owner_user_id", "priority", "status", "drop_reason", "source", "note", "last_contact_on", "region_code", "tags", "search_text", "created_at", "updated_at", "version") VALUES (10, 189, 3, 9, 'B', 'converted', '', '汉商回归', '', '2026-11-23', '610329', '', '宝鸡秦岭农业科学研实业有限公司||9161032997659PEE8R', '2026-02-12T23:51:03.439362+00:00', '2026-11-19T12:08:05.439362+00:00', 1);
INSERT INTO "targets" ("id", "enterprise_id", "owner_unit_id", "owner_user_id", "priority", "status", "drop_reason", "source", "note", "last_contact_on", "region_code", "tags", "search_text", "created_at", "updated_at", "version") VALUES (21, 24, 6, 14, 'A', 'converted', '', '链主企业配套', '', '2026-11-17', '330103', 'high_tech', '杭州秦岭旅游客运科技有限公司||9133010318RRE0FB2Y', '2026-01-24T23:51:03.439362+00:00', '2026-12-04T23:51:05.193047+00:00', 1);
INSERT INTO "targets" ("id", "enterprise_id", "owner_unit_id", "owner_user_id", "priority", "status", "drop_reason", "source", "note", "last_contact_on", "region_code", "tags", "search_text", "created_at", "updated_at", "version") VALUES (28, 687, 7, 17, 'A', 'converted', '', '推介会', '', NULL, '330226', '', '宁波宏达铝压延集团有限公司||9133022620YDE6G46F', '2026-04-04T23:51:03.439362+00:00', '2026-10-11T12:12:17.439362+00:00', 1);
INSERT INTO "targets" ("id", "enterprise_id", "owner_unit_id", "owner_user_id", "priority", "status", "drop_reason", "source", "note", "last_contact_on", "region_code", "tags", "search_text", "created_at", "updated_at", "version") VALUES (31, 586, 7, 16, 'B', 'converted', '', '驻外分局', '', '2026-12-04', '440118', '', '广州恒通水力发电工实业有限公司||9144011830G10W7L68', '2025-12-14T23:51:03.439362+00:00', '2026-10-29T18:58:37.439362+00:00', 1);
INSERT INTO "targets" ("id", "enterprise_id", "owner_unit_id", "owner_user_id", "priority", "status", "drop_reason", "source", "note", "last_contact_on", "region_code", "tags", "search_text", "created_at", "updated_at", "version") VALUES (92, 627, 19, 40, 'B', 'converted', '', '驻外分局', '', '2026-11-07', '610329', '', '宝鸡智源航空相关设股份有限公司||9161032919CE8XCB5B', '2026-09-06T23:51:03.439362+00:00', '2026-11-21T03:11:25.439362+00:00', 1);
INSERT INTO "targets" ("id", "enterprise_id", "owner_unit_id", "owner_user_id", "priority", "status", "drop_reason", "source", "note", "last_contact_on", "region_code", "tags", "search_text", "created_at", "updated_at", "version") VALUES (116, 1, 3, 9, 'A', 'converted', '', '链主企业配套', '', '2026-12-04', '110105', 'specialized', '秦岭航空零部件有限公司||911101056418QM050R', '2026-12-04T23:51:03.502241+00:00', '2026-12-04T23:51:05.826905+00:00', 1);
INSERT INTO "target_links" ("target_id", "link_id") VALUES (28, 68);
INSERT INTO "saved_views" ("id", "user_id", "page", "name", "query", "created_at") VALUES (1, 9, '/targets', '南郑 A 类', 'priority=A', '2026-12-04T23:51:05.818095+00:00');
INSERT INTO "projects" ("id", "code", "name", "codename", "confidential", "enterprise_id", "target_id", "chain_id", "link_id", "industry_code", "kind", "follow_on", "total_wan", "fixed_wan", "planned_jobs", "planned_output_wan", "planned_tax_wan", "source_channel", "source_unit_id", "landing_unit_id", "owner_user_id", "contract_kind", "contract_wan", "stage", "state", "stage_on", "state_reason", "lead_on", "negotiating_on", "signed_on", "started_on", "operating_on", "in_statistics_on", "signed_verification", "started_verification", "operating_verification", "in_statistics_verification", "statistics_ref", "planned_start_on", "planned_operation_on", "funds_plan_wan", "funds_plan_by", "funds_verified_wan", "eligible", "eligibility_rule", "duplicate", "duplicate_of_id", "duplicate_reason", "health", "health_reasons", "last_activity_on", "region_code", "tags", "search_text", "note", "created_by", "created_at", "updated_at", "version") VALUES (1, 'XM2026-00001', '广州海川小麦种植集团有限智能制造项目', '', '0', 333, 1, NULL, NULL, '0112', 'new', '0', 3040677, 2128473, 522, NULL, NULL, 'native', 2, 2, 6, '', NULL, 'negotiating', 'active', '2026-10-25', '', '2026-08-16', '2026-10-25', NULL, NULL, NULL, NULL, 'not_needed', 'not_needed', 'not_needed', 'not_needed', '', NULL, NULL, 0, NULL, 0, '1', '非工业项目总投资 30,406.77 万元，达到认定门槛 10,000 万元', 'none', NULL, '', 'green', '进展正常', '2026-12-04', '440113', '', '广州海川小麦种植集团有限公司||9144011312ARREUL64', '', 6, '2026-08-16T09:00:00+00:00', '2026-12-04T23:51:05.836960+00:00', 1);
INSERT INTO "projects" ("id", "code", "name", "codename", "confidential", "enterprise_id", "target_id", "chain_id", "link_id", "industry_code", "kind", "follow_on", "total_wan", "fixed_wan", "planned_jobs", "planned_output_wan", "planned_tax_wan", "source_channel", "source_unit_id", "landing_unit_id", "owner_user_id", "contract_kind", "contract_wan", "stage", "state", "stage_on", "state_reason", "lead_on", "negotiating_on", "signed_on", "started_on", "operating_on", "in_statistics_on", "signed_verification", "started_verification", "operating_verification", "in_statistics_verification", "statistics_ref", "planned_start_on", "planned_operation_on", "funds_plan_wan", "funds_plan_by", "funds_verified_wan", "eligible", "eligibility_rule", "duplicate", "duplicate_of_id", "duplicate_reason", "health", "health_reasons", "last_activity_on", "region_code", "tags", "search_text", "note", "created_by", "created_at", "updated_at", "version") VALUES (9, 'XM2025-00009', '宝鸡秦岭农业科学研实业有生产基地', '', '0', 189, 10, NULL, NULL, '7330', 'expansion', '0', 509201, 356440, 180, NULL, NULL, 'office', 3, 3, 8, 'contract', 509201, 'signed', 'dropped', '2025-06-12', '企业调整投资计划，项目落户其他城市', '2025-02-12', '2025-04-15', '2025-06-12', NULL, NULL, NULL, 'approved', 'not_needed', 'not_needed', 'not_needed', '', '2026-12-26', '2028-02-19', 178220, '2026-12-01', 178212, '0', '非工业项目总投资 5,092.01 万元，低于认定门槛 10,000 万元', 'none', NULL, '', 'idle', '项目已终止', '2026-11-02', '610329', '', '宝鸡秦岭农业科学研实业有限公司||9161032997659PEE8R', '', 8, '2025-02-12T09:00:00+00:00', '2026-12-04T23:51:03.502546+00:00', 1);
INSERT INTO "projects" ("id", "code", "name", "codename", "confidential", "enterprise_id", "target_id", "chain_id", "link_id", "industry_code", "kind", "follow_on", "total_wan", "fixed_wan", "planned_jobs", "planned_output_wan", "planned_tax_wan", "source_channel", "source_unit_id", "landing_unit_id", "owner_user_id", "contract_kind", "contract_wan", "stage", "state", "stage_on", "state_reason", "lead_on", "negotiating_on", "signed_on", "started_on", "operating_on", "in_statistics_on", "signed_verification", "started_verification", "operating_verification", "in_statistics_verification", "statistics_ref", "planned_start_on", "planned_operation_on", "funds_plan_wan", "funds_plan_by", "funds_verified_wan", "eligible", "eligibility_rule", "duplicate", "duplicate_of_id", "duplicate_reason", "health", "health_reasons", "last_activity_on", "region_code", "tags", "search_text", "note", "created_by", "created_at", "updated_at", "version") VALUES (22, 'XM2025-00022', '杭州秦岭旅游客运科技有限智能制造项目', '', '0', 24, 21, 12, 97, '5422', 'new', '0', 5033872, 3523710, 363, NULL, NULL, 'chain_leader', 6, 6, 14, 'contract', 5033872, 'operating', 'active', '2025-07-11', '', '2025-01-04', '2025-03-19', '2025-04-04', '2025-06-11', '2025-07-11', NULL, 'approved', 'approved', 'pending', 'not_needed', '', '2027-03-29', '2028-05-22', 1761855, '2026-12-01', 1908673, '1', '非工业项目总投资 50,338.72 万元，达到认定门槛 10,000 万元', 'none', NULL, '', 'red', '有诉求超过办理期限 14 天（期限 2026-11-20）
有诉求超过办理期限 7 天（期限 2026-11-27）', '2026-11-18', '330103', 'high_tech', '杭州秦岭旅游客运科技有限公司||9133010318RRE0FB2Y', '', 14, '2025-01-04T09:00:00+00:00', '2026-12-04T23:51:03.502734+00:00', 1);
INSERT INTO "projects" ("id", "code", "name", "codename", "confidential", "enterprise_id", "target_id", "chain_id", "link_id", "industry_code", "kind", "follow_on", "total_wan", "fixed_wan", "planned_jobs", "planned_output_wan", "planned_tax_wan", "source_channel", "source_unit_id", "landing_unit_id", "owner_user_id", "contract_kind", "contract_wan", "stage", "state", "stage_on", "state_reason", "lead_on", "negotiating_on", "signed_on", "started_on", "operating_on", "in_statistics_on", "signed_verification", "started_verification", "operating_verification", "in_statistics_verification", "statistics_ref", "planned_start_on", "planned_operation_on", "funds_plan_wan", "funds_plan_by", "funds_verified_wan", "eligible", "eligibility_rule", "duplicate", "duplicate_of_id", "duplicate_reason", "health", "health_reasons", "last_activity_on", "region_code", "tags", "search_text", "note", "created_by", "created_at", "updated_at", "version") VALUES (29, 'XM2025-00029', '广州恒通水力发电工实业有研发中心', '', '0', 586, 31, 20, 144, '4872', 'new', '0', 1264164, 884914, 85, NULL, NULL, 'other', 7, 7, 16, 'contract', 1264164, 'in_statistics', 'active', '2025-12-19', '', '2025-01-13', '2025-04-12', '2025-05-01', '2025-08-07', '2025-10-05', '2025-12-19', 'approved', 'approved', 'approved', 'pending', '7-2025-0029', '2026-12-11', '2028-02-04', 442457, '2026-12-01', 405581, '1', '非工业项目总投资 12,641.64 万元，达到认定门槛 10,000 万元', 'none', NULL, '', 'idle', '项目已入库纳统', '2026-10-22', '440118', '', '广州恒通水力发电工实业有限公司||9144011830G10W7L68', '', 16, '2025-01-13T09:00:00+00:00', '2026-12-04T23:51:03.502809+00:00', 1);
INSERT INTO "projects" ("id", "code", "name", "codename", "confidential", "enterprise_id", "target_id", "chain_id", "link_id", "industry_code", "kind", "follow_on", "total_wan", "fixed_wan", "planned_jobs", "planned_output_wan", "planned_tax_wan", "source_channel", "source_unit_id", "landing_unit_id", "owner_user_id", "contract_kind", "contract_wan", "stage", "state", "stage_on", "state_reason", "lead_on", "negotiating_on", "signed_on", "started_on", "operating_on", "in_statistics_on", "signed_verification", "started_verification", "operating_verification", "in_statistics_verification", "statistics_ref", "planned_start_on", "planned_operation_on", "funds_plan_wan", "funds_plan_by", "funds_verified_wan", "eligible", "eligibility_rule", "duplicate", "duplicate_of_id", "duplicate_reason", "health", "health_reasons", "last_activity_on", "region_code", "tags", "search_text", "note", "created_by", "created_at", "updated_at", "version") VALUES (88, 'XM2025-00088', '宝鸡智源航空相关设股份有智能制造项目', '', '0', 627, 92, 1, 8, '3744', 'new', '0', 5062477, 3543733, 63, NULL, NULL, 'native', 19, 17, 40, 'contract', 5062477, 'signed', 'active', '2025-09-10', '', '2025-04-02', '2025-06-04', '2025-09-10', NULL, NULL, NULL, 'pending', 'not_needed', 'not_needed', 'not_needed', '', '2027-03-24', '2028-05-17', 1771866, '2026-12-01', 1476550, '1', '工业项目总投资 50,624.77 万元，达到认定门槛 3,000 万元', 'none', NULL, '', 'green', '进展正常', '2026-12-04', '610329', '', '宝鸡智源航空相关设股份有限公司||9161032919CE8XCB5B', '', 40, '2025-04-02T09:00:00+00:00', '2026-12-04T23:51:04.828330+00:00', 1);
INSERT INTO "stage_changes" ("id", "project_id", "kind", "from_stage", "to_stage", "from_state", "to_state", "happened_on", "note", "reference", "verification", "unit_id", "user_id", "created_at") VALUES (22, 9, 'create', 'lead', 'lead', 'active', 'active', '2025-02-12', '', '', 'not_needed', 3, 8, '2025-02-12T10:00:00+00:00');
INSERT INTO "stage_changes" ("id", "project_id", "kind", "from_stage", "to_stage", "from_state", "to_state", "happened_on", "note", "reference", "verification", "unit_id", "user_id", "created_at") VALUES (23, 9, 'advance', 'lead', 'negotiating', 'active', 'active', '2025-04-15', '', '', 'not_needed', 3, 8, '2025-04-15T10:00:00+00:00');
INSERT INTO "stage_changes" ("id", "project_id", "kind", "from_stage", "to_stage", "from_state", "to_state", "happened_on", "note", "reference", "verification", "unit_id", "user_id", "created_at") VALUES (24, 9, 'advance', 'negotiating', 'signed', 'active', 'active', '2025-06-12', '', '', 'approved', 3, 8, '2025-06-12T10:00:00+00:00');
INSERT INTO "funds_reports" ("id", "project_id", "month", "amount_wan", "origin", "use_kind", "note", "verification", "unit_id", "user_id", "created_at") VALUES (24, 9, '2025-09-01', 14851, 'in_city', 'working', '', 'approved', 3, 8, '2025-10-06T09:00:00+00:00');
INSERT INTO "funds_reports" ("id", "project_id", "month", "amount_wan", "origin", "use_kind", "note", "verification", "unit_id", "user_id", "created_at") VALUES (33, 9, '2026-10-01', 14851, 'in_city', 'working', '', 'pending', 3, 8, '2026-11-05T09:00:00+00:00');
INSERT INTO "funds_reports" ("id", "project_id", "month", "amount_wan", "origin", "use_kind", "note", "verification", "unit_id", "user_id", "created_at") VALUES (34, 9, '2026-11-01', 14851, 'in_city', 'fixed', '', 'approved', 3, 8, '2026-12-06T09:00:00+00:00');
INSERT INTO "funds_reports" ("id", "project_id", "month", "amount_wan", "origin", "use_kind", "note", "verification", "unit_id", "user_id", "created_at") VALUES (35, 9, '2026-12-01', 14851, 'in_city', 'fixed', '', 'approved', 3, 8, '2027-01-05T09:00:00+00:00');
INSERT INTO "verifications" ("id", "project_id", "stage_change_id", "funds_report_id", "result", "note", "latitude_e6", "longitude_e6", "user_id", "created_at") VALUES (9, 9, 24, NULL, 'approved', '现场核实属实', 33123725, 107063583, 2, '2025-06-17T15:00:00+00:00');
INSERT INTO "credit_shares" ("project_id", "unit_id", "percent") VALUES (1, 3, 40);
INSERT INTO "service_members" ("id", "project_id", "enterprise_id", "user_id", "role", "added_by_unit_id", "created_at") VALUES (5, 9, NULL, 8, 'lead', 3, '2026-12-04T23:51:03.502559+00:00');
INSERT INTO "requests" ("id", "project_id", "enterprise_id", "category", "text", "owner_unit_id", "raised_by_unit_id", "deadline", "status", "resolution", "escalation", "resolved_on", "created_by", "created_at", "updated_at", "version") VALUES (70, 88, 627, 'planning', '【前期手续·规划许可】审批部门要求补充材料，企业已补报两周仍未受理，请协调加快办理', 30, 17, '2026-12-11', 'open', '', 'county', NULL, NULL, '2026-12-04T23:51:04.839780+00:00', '2026-12-04T23:51:04.839780+00:00', 1);
INSERT INTO "policy_items" ("id", "project_id", "title", "detail", "amount_wan", "review", "review_note", "reviewed_by", "created_by", "created_at", "updated_at") VALUES (1, 29, '固定资产投资补助', '按设备投资额的 5% 分两年补助', 44245, 'passed', '', NULL, NULL, '2026-12-04T23:51:05.206053+00:00', '2026-12-04T23:51:05.207747+00:00');
INSERT INTO "imports" ("id", "kind", "unit_id", "user_id", "file_name", "sha256", "size", "data", "status", "rows", "inserted", "updated", "unchanged", "rejected", "errors", "created_at", "applied_at", "undone_at", "plan") VALUES (1, 'enterprises', 3, NULL, 'zs_t_16227_262917138_0.csv', 'a68447fbb264156c9205918e98b008b986e0de9cce0c93d4723b64b42ed90bdd', 337, X'E585ACE58FB8E5908DE7A7B02CE7BB9FE4B880E7A4BEE4BC9AE4BFA1E794A8E4BBA3E7A0812CE6B395E5AE9AE4BBA3E8A1A8E4BABA2CE68890E7AB8BE697A5E69C9F2CE6B3A8E5868CE8B584E69CAC2CE7BB8FE890A5E78AB6E680812CE68980E5B19EE79C81E4BBBD2CE68980E5B19EE59F8EE5B8822CE68980E5B19EE58CBAE58EBF0AE88B8FE5B79EE58D8EE7919EE888AAE7A9BAE7A791E68A80E69C89E99990E585ACE58FB82C3931313130313038353531333835303832512CE5BCA0E58D8E2C323031352D30332D30322C35303030E4B887E58583E4BABAE6B091E5B8812CE5AD98E7BBAD2CE6B19FE88B8FE79C812CE88B8FE5B79EE5B8822CE590B4E4B8ADE58CBA0AE59D8FE4BBA3E7A081E69C89E99990E585ACE58FB82C3931313130313038353531333835303832582CE69D8EE59B9B2C323031362F352F312C313030E4B8872CE5AD98E7BBAD2C2C2C0A', 'applied', 2, 1, 0, 0, 1, '[{"row":3,"column":"统一社会信用代码","message":"校验位错误：第 18 位应为「Q」，实为「X」（只有市局可以保留校验不通过的代码）"}]', '2026-12-04T23:51:05.864523+00:00', '2026-12-04T23:51:05.864526+00:00', NULL, '[{"row":2,"action":"insert","key":"91110108551385082Q","name":"苏州华瑞航空科技有限公司"}]');
INSERT INTO "import_changes" ("id", "import_id", "row_number", "entity", "entity_id", "action", "before", "after") VALUES (1, 1, 2, 'enterprise', 801, 'insert_many', '', '[[2,801,"e49b29237d4bc29647c13a8e85464c67564cf8cf0fc9d95740c3a59d0e5271cb"]]');
INSERT INTO "quotas" ("id", "unit_id", "year", "metric", "annual", "schedule", "updated_by", "updated_at") VALUES (2, 2, 2026, 'funds', 5000000, '8,16,25,33,41,50,58,66,75,83,91,100', NULL, '2026-12-04T23:51:05.317022+00:00');
INSERT INTO "quotas" ("id", "unit_id", "year", "metric", "annual", "schedule", "updated_by", "updated_at") VALUES (3, 2, 2026, 'started_count', 800, '8,16,25,33,41,50,58,66,75,83,91,100', NULL, '2026-12-04T23:51:05.319122+00:00');
INSERT INTO "quotas" ("id", "unit_id", "year", "metric", "annual", "schedule", "updated_by", "updated_at") VALUES (6, 3, 2026, 'funds', 5000000, '8,16,25,33,41,50,58,66,75,83,91,100', NULL, '2026-12-04T23:51:05.324515+00:00');
INSERT INTO "quotas" ("id", "unit_id", "year", "metric", "annual", "schedule", "updated_by", "updated_at") VALUES (22, 7, 2026, 'funds', 5000000, '8,16,25,33,41,50,58,66,75,83,91,100', NULL, '2026-12-04T23:51:05.351615+00:00');
INSERT INTO "task_lists" ("id", "year", "name", "note", "created_by", "created_at") VALUES (1, 2026, '承接东部产业转移任务清单', '对接长三角、珠三角、京津冀产业转移，各县区年内至少签约一个东部转移项目；完成后在本页标记完成，市局每周调度。', NULL, '2026-12-04T23:51:05.702571+00:00');
INSERT INTO "task_items" ("id", "list_id", "unit_id", "title", "due_on", "status", "done_on", "note", "updated_at", "version") VALUES (1, 1, 2, '赴长三角开展承接产业转移专题招商活动不少于 1 次', '2026-11-19', 'done', '2026-12-04', '', '2026-12-04T23:51:05.708688+00:00', 2);
INSERT INTO "task_items" ("id", "list_id", "unit_id", "title", "due_on", "status", "done_on", "note", "updated_at", "version") VALUES (3, 1, 3, '赴珠三角开展承接产业转移专题招商活动不少于 1 次', '2026-11-19', 'done', '2026-12-04', '', '2026-12-04T23:51:05.716195+00:00', 2);
INSERT INTO "task_items" ("id", "list_id", "unit_id", "title", "due_on", "status", "done_on", "note", "updated_at", "version") VALUES (4, 1, 3, '签约珠三角转移项目不少于 1 个（总投资 1 亿元以上）', '2026-11-29', 'open', NULL, '以签约合同为准，签约后须经市局实地核查。', '2026-12-04T23:51:05.714417+00:00', 1);
INSERT INTO "task_items" ("id", "list_id", "unit_id", "title", "due_on", "status", "done_on", "note", "updated_at", "version") VALUES (11, 1, 7, '赴京津冀开展承接产业转移专题招商活动不少于 1 次', '2026-11-19', 'open', NULL, '', '2026-12-04T23:51:05.733596+00:00', 1);
INSERT INTO "assessment_schemes" ("id", "year", "name", "group_code", "body", "active", "created_at", "updated_at", "version") VALUES (1, 2026, '2026年县区招商引资月度考核办法', 'counties', 'name = "2026年县区招商引资月度考核办法"
group = "Counties"
quarter_mode = "Sum"

[[indicators]]
key = "outside_big"
name = "省外亿元以上项目数"
metric = "ProvinceOutsideBigProjects"
uses_target = true

[indicators.rule]
kind = "ratio"
weight = 3000
cap = 3600

[[indicators]]
key = "funds"
name = "到位资金"
metric = "FundsInPlace"
uses_target = true

[indicators.rule]
kind = "ratio"
weight = 2000
cap = 2400

[[indicators]]
key = "chain_fit"
name = "产业契合度"
metric = "SignedCount"
uses_target = false

[indicators.rule]
kind = "efficacy"
weight = 2000

[[indicators]]
key = "started"
name = "新开工项目数"
metric = "StartedCount"
uses_target = true

[indicators.rule]
kind = "ratio"
weight = 1500
cap = 1800

[[indicators]]
key = "requests"
name = "诉求按期办结"
metric = "RequestsClosedOnTime"
uses_target = false

[indicators.rule]
kind = "efficacy"
weight = 1500

[[indicators]]
key = "fortune500"
name = "500强企业投资项目"
metric = "Fortune500Investors"
uses_target = false

[indicators.rule]
kind = "points"
per = 1000
cap = 2000

[[indicators]]
key = "fake"
name = "核查不实项目"
metric = "FakeProjects"
uses_target = false

[indicators.rule]
kind = "deduction"
per = 500
cap = 2000

[[indicators]]
key = "overdue"
name = "逾期未开工项目"
metric = "OverdueStarts"
uses_target = false

[indicators.rule]
kind = "deduction"
per = 200
cap = 1000

[[tiers]]
name = "一等奖"
up_to_rank = 1

[[tiers]]
name = "二等奖"
up_to_rank = 3

[[tiers]]
name = "三等奖"
up_to_rank = 5
', '1', '2026-12-04T23:51:05.310570+00:00', '2026-12-04T23:51:05.310572+00:00', 1);
INSERT INTO "assessment_schemes" ("id", "year", "name", "group_code", "body", "active", "created_at", "updated_at", "version") VALUES (2, 2026, '2026年驻外招商机构考核办法', 'offices', 'name = "2026年驻外招商机构考核办法"
group = "Offices"
quarter_mode = "Mean"

[[indicators]]
key = "signed"
name = "签约项目数"
metric = "SignedCount"
uses_target = false

[indicators.rule]
kind = "efficacy"
weight = 4000

[[indicators]]
key = "signed_amount"
name = "签约额"
metric = "SignedAmount"
uses_target = false

[indicators.rule]
kind = "efficacy"
weight = 4000

[[indicators]]
key = "targets"
name = "对接目标企业"
metric = "TargetsContacted"
uses_target = false

[indicators.rule]
kind = "efficacy"
weight = 2000

[[indicators]]
key = "late"
name = "周调度迟报"
metric = "LateReports"
uses_target = false

[indicators.rule]
kind = "deduction"
per = 100
cap = 500

[[tiers]]
name = "一等奖"
up_to_rank = 1

[[tiers]]
name = "二等奖"
up_to_rank = 2

[[tiers]]
name = "三等奖"
up_to_rank = 3
', '1', '2026-12-04T23:51:05.312884+00:00', '2026-12-04T23:51:05.312885+00:00', 1);
INSERT INTO "assessment_runs" ("id", "scheme_id", "year", "month", "cutoff", "version", "status", "scheme_body", "results", "correction", "published_by", "published_at") VALUES (12, 2, 2026, 1, '2026-01-31', 1, 'published', 'name = "2026年驻外招商机构考核办法"
group = "Offices"
quarter_mode = "Mean"

[[indicators]]
key = "signed"
name = "签约项目数"
metric = "SignedCount"
uses_target = false

[indicators.rule]
kind = "efficacy"
weight = 4000

[[indicators]]
key = "signed_amount"
name = "签约额"
metric = "SignedAmount"
uses_target = false

[indicators.rule]
kind = "efficacy"
weight = 4000

[[indicators]]
key = "targets"
name = "对接目标企业"
metric = "TargetsContacted"
uses_target = false

[indicators.rule]
kind = "efficacy"
weight = 2000

[[indicators]]
key = "late"
name = "周调度迟报"
metric = "LateReports"
uses_target = false

[indicators.rule]
kind = "deduction"
per = 100
cap = 500

[[tiers]]
name = "一等奖"
up_to_rank = 1

[[tiers]]
name = "二等奖"
up_to_rank = 2

[[tiers]]
name = "三等奖"
up_to_rank = 3
', '[{"unit_id":20,"unit_name":"驻上海招商分局","total":6000,"rank":1,"indicators":[{"key":"signed","name":"签约项目数","actual":0,"target":null,"points":2400,"explanation":"新签约项目数 0.00 个；全组均为 0.00 个，功效系数均按最低 60 计，得 24.00 分","items":[]},{"key":"signed_amount","name":"签约额","actual":0,"target":null,"points":2400,"explanation":"新签约项目投资额 0.00 万元；全组均为 0.00 万元，功效系数均按最低 60 计，得 24.00 分","items":[]},{"key":"targets","name":"对接目标企业","actual":0,"target":null,"points":1200,"explanation":"对接目标企业数 0.00 家；全组均为 0.00 家，功效系数均按最低 60 计，得 12.00 分","items":[]},{"key":"late","name":"周调度迟报","actual":0,"target":null,"points":0,"explanation":"周调度逾期报送次数 0.00 次，× 每次扣 1 分 = 扣 0.00 分（最多扣 5 分）","items":[]}]},{"unit_id":19,"unit_name":"驻北京招商分局","total":6000,"rank":1,"indicators":[{"key":"signed","name":"签约项目数","actual":0,"target":null,"points":2400,"explanation":"新签约项目数 0.00 个；全组均为 0.00 个，功效系数均按最低 60 计，得 24.00 分","items":[]},{"key":"signed_amount","name":"签约额","actual":0,"target":null,"points":2400,"explanation":"新签约项目投资额 0.00 万元；全组均为 0.00 万元，功效系数均按最低 60 计，得 24.00 分","items":[]},{"key":"targets","name":"对接目标企业","actual":0,"target":null,"points":1200,"explanation":"对接目标企业数 0.00 家；全组均为 0.00 家，功效系数均按最低 60 计，得 12.00 分","items":[]},{"key":"late","name":"周调度迟报","actual":0,"target":null,"points":0,"explanation":"周调度逾期报送次数 0.00 次，× 每次扣 1 分 = 扣 0.00 分（最多扣 5 分）","items":[]}]},{"unit_id":23,"unit_name":"驻成都招商分局","total":6000,"rank":1,"indicators":[{"key":"signed","name":"签约项目数","actual":0,"target":null,"points":2400,"explanation":"新签约项目数 0.00 个；全组均为 0.00 个，功效系数均按最低 60 计，得 24.00 分","items":[]},{"key":"signed_amount","name":"签约额","actual":0,"target":null,"points":2400,"explanation":"新签约项目投资额 0.00 万元；全组均为 0.00 万元，功效系数均按最低 60 计，得 24.00 分","items":[]},{"key":"targets","name":"对接目标企业","actual":0,"target":null,"points":1200,"explanation":"对接目标企业数 0.00 家；全组均为 0.00 家，功效系数均按最低 60 计，得 12.00 分","items":[]},{"key":"late","name":"周调度迟报","actual":0,"target":null,"points":0,"explanation":"周调度逾期报送次数 0.00 次，× 每次扣 1 分 = 扣 0.00 分（最多扣 5 分）","items":[]}]},{"unit_id":22,"unit_name":"驻深圳招商分局","total":6000,"rank":1,"indicators":[{"key":"signed","name":"签约项目数","actual":0,"target":null,"points":2400,"explanation":"新签约项目数 0.00 个；全组均为 0.00 个，功效系数均按最低 60 计，得 24.00 分","items":[]},{"key":"signed_amount","name":"签约额","actual":0,"target":null,"points":2400,"explanation":"新签约项目投资额 0.00 万元；全组均为 0.00 万元，功效系数均按最低 60 计，得 24.00 分","items":[]},{"key":"targets","name":"对接目标企业","actual":0,"target":null,"points":1200,"explanation":"对接目标企业数 0.00 家；全组均为 0.00 家，功效系数均按最低 60 计，得 12.00 分","items":[]},{"key":"late","name":"周调度迟报","actual":0,"target":null,"points":0,"explanation":"周调度逾期报送次数 0.00 次，× 每次扣 1 分 = 扣 0.00 分（最多扣 5 分）","items":[]}]},{"unit_id":21,"unit_name":"驻西安招商分局","total":6000,"rank":1,"indicators":[{"key":"signed","name":"签约项目数","actual":0,"target":null,"points":2400,"explanation":"新签约项目数 0.00 个；全组均为 0.00 个，功效系数均按最低 60 计，得 24.00 分","items":[]},{"key":"signed_amount","name":"签约额","actual":0,"target":null,"points":2400,"explanation":"新签约项目投资额 0.00 万元；全组均为 0.00 万元，功效系数均按最低 60 计，得 24.00 分","items":[]},{"key":"targets","name":"对接目标企业","actual":0,"target":null,"points":1200,"explanation":"对接目标企业数 0.00 家；全组均为 0.00 家，功效系数均按最低 60 计，得 12.00 分","items":[]},{"key":"late","name":"周调度迟报","actual":0,"target":null,"points":0,"explanation":"周调度逾期报送次数 0.00 次，× 每次扣 1 分 = 扣 0.00 分（最多扣 5 分）","items":[]}]}]', '', NULL, '2026-12-04T23:51:05.594643+00:00');
INSERT INTO "dispatch_notes" ("id", "week", "unit_id", "project_id", "progress", "next_plan", "coordination", "user_id", "submitted_at", "updated_at", "version") VALUES (46, '2026-11-16', 17, 88, '双方就投资协议条款达成一致', '安排签约仪式', '请市局协调签约时间', NULL, '2026-11-17T00:00:00+00:00', '2026-11-17T00:00:00+00:00', 1);
INSERT INTO "dispatch_notes" ("id", "week", "unit_id", "project_id", "progress", "next_plan", "coordination", "user_id", "submitted_at", "updated_at", "version") VALUES (96, '2026-11-23', 17, 88, '双方就投资协议条款达成一致', '安排签约仪式', '请市局协调签约时间', NULL, '2026-11-24T00:00:00+00:00', '2026-11-24T00:00:00+00:00', 1);
INSERT INTO "dispatch_notes" ("id", "week", "unit_id", "project_id", "progress", "next_plan", "coordination", "user_id", "submitted_at", "updated_at", "version") VALUES (146, '2026-11-30', 17, 88, '双方就投资协议条款达成一致', '安排签约仪式', '请市局协调签约时间', NULL, '2026-12-01T00:00:00+00:00', '2026-12-01T00:00:00+00:00', 1);
INSERT INTO "dispatch_reports" ("id", "week", "body", "frozen_by", "frozen_at") VALUES (1, '2026-11-16', '{"week":"2026-11-16","deadline":"2026-11-17T10:00:00Z","deadline_text":"周二 18:00","units":[{"unit_id":2,"unit_name":"汉台区","new_leads":0,"stage_moves":1,"follow_ups":3,"requests_opened":0,"requests_closed":0,"requests_overdue":0,"red_projects":2,"key_projects":5,"notes_on_time":4,"notes_late":0,"notes_missing":1},{"unit_id":3,"unit_name":"南郑区","new_leads":0,"stage_moves":0,"follow_ups":1,"requests_opened":0,"requests_closed":0,"requests_overdue":1,"red_projects":2,"key_projects":3,"notes_on_time":1,"notes_late":1,"notes_missing":1},{"unit_id":4,"unit_name":"城固县","new_leads":0,"stage_moves":0,"follow_ups":1,"requests_opened":2,"requests_closed":0,"requests_overdue":1,"red_projects":4,"key_projects":5,"notes_on_time":4,"notes_late":1,"notes_missing":0},{"unit_id":5,"unit_name":"洋县","new_leads":0,"stage_moves":0,"follow_ups":3,"requests_opened":1,"requests_closed":0,"requests_overdue":0,"red_projects":2,"key_projects":4,"notes_on_time":2,"notes_late":1,"notes_missing":1},{"unit_id":6,"unit_name":"西乡县","new_leads":0,"stage_moves":1,"follow_ups":2,"requests_opened":0,"requests_closed":0,"requests_overdue":2,"red_projects":3,"key_projects":5,"notes_on_time":3,"notes_late":1,"notes_missing":1},{"unit_id":7,"unit_name":"勉县","new_leads":0,"stage_moves":0,"follow_ups":2,"requests_opened":0,"requests_closed":0,"requests_overdue":1,"red_projects":1,"key_projects":2,"notes_on_time":2,"notes_late":0,"notes_missing":0},{"unit_id":8,"unit_name":"宁强县","new_leads":0,"stage_moves":0,"follow_ups":1,"requests_opened":1,"requests_closed":0,"requests_overdue":1,"red_projects":2,"key_projects":2,"notes_on_time":1,"notes_late":1,"notes_missing":0},{"unit_id":9,"unit_name":"略阳县","new_leads":0,"stage_moves":0,"follow_ups":0,"requests_opened":0,"requests_closed":0,"requests_overdue":1,"red_projects":3,"key_projects":3,"notes_on_time":2,"notes_late":0,"notes_missing":1},{"unit_id":10,"unit_name":"镇巴县","new_leads":0,"stage_moves":0,"follow_ups":1,"requests_opened":0,"requests_closed":0,"requests_overdue":0,"red_projects":1,"key_projects":2,"notes_on_time":1,"notes_late":1,"notes_missing":0},{"unit_id":11,"unit_name":"留坝县","new_leads":0,"stage_moves":0,"follow_ups":1,"requests_opened":0,"requests_closed":0,"requests_overdue":1,"red_projects":1,"key_projects":5,"notes_on_time":4,"notes_late":0,"notes_missing":1},{"unit_id":12,"unit_name":"佛坪县","new_leads":0,"stage_moves":0,"follow_ups":0,"requests_opened":0,"requests_closed":0,"requests_overdue":0,"red_projects":2,"key_projects":6,"notes_on_time":5,"notes_late":1,"notes_missing":0},{"unit_id":13,"unit_name":"汉中经济技术开发区","new_leads":0,"stage_moves":0,"follow_ups":0,"requests_opened":1,"requests_closed":0,"requests_overdue":0,"red_projects":0,"key_projects":2,"notes_on_time":1,"notes_late":0,"notes_missing":1},{"unit_id":14,"unit_name":"兴汉新区","new_leads":0,"stage_moves":0,"follow_ups":2,"requests_opened":0,"requests_closed":0,"requests_overdue":0,"red_projects":0,"key_projects":2,"notes_on_time":1,"notes_late":1,"notes_missing":0},{"unit_id":15,"unit_name":"汉中航空经济技术开发区","new_leads":0,"stage_moves":0,"follow_ups":0,"requests_opened":0,"requests_closed":0,"requests_overdue":0,"red_projects":0,"key_projects":4,"notes_on_time":3,"notes_late":0,"notes_missing":1},{"unit_id":16,"unit_name":"汉中滨江新区","new_leads":0,"stage_moves":0,"follow_ups":3,"requests_opened":1,"requests_closed":0,"requests_overdue":0,"red_projects":0,"key_projects":2,"notes_on_time":1,"notes_late":1,"notes_missing":0},{"unit_id":17,"unit_name":"勉县经济技术开发区","new_leads":0,"stage_moves":0,"follow_ups":3,"requests_opened":1,"requests_closed":1,"requests_overdue":1,"red_projects":2,"key_projects":4,"notes_on_time":3,"notes_late":1,"notes_missing":0},{"unit_id":18,"unit_name":"汉中高新技术产业开发区","new_leads":0,"stage_moves":0,"follow_ups":2,"requests_opened":1,"requests_closed":0,"requests_overdue":0,"red_projects":1,"key_projects":3,"notes_on_time":2,"notes_late":0,"notes_missing":1},{"unit_id":19,"unit_name":"驻北京招商分局","new_leads":0,"stage_moves":0,"follow_ups":0,"requests_opened":0,"requests_closed":0,"requests_overdue":0,"red_projects":0,"key_projects":0,"notes_on_time":0,"notes_late":0,"notes_missing":0},{"unit_id":20,"unit_name":"驻上海招商分局","new_leads":0,"stage_moves":0,"follow_ups":1,"requests_opened":0,"requests_closed":0,"requests_overdue":0,"red_projects":0,"key_projects":0,"notes_on_time":0,"notes_late":0,"notes_missing":0},{"unit_id":21,"unit_name":"驻西安招商分局","new_leads":0,"stage_moves":0,"follow_ups":0,"requests_opened":0,"requests_closed":0,"requests_overdue":0,"red_projects":0,"key_projects":0,"notes_on_time":0,"notes_late":0,"notes_missing":0},{"unit_id":22,"unit_name":"驻深圳招商分局","new_leads":0,"stage_moves":0,"follow_ups":1,"requests_opened":0,"requests_closed":0,"requests_overdue":0,"red_projects":0,"key_projects":0,"notes_on_time":0,"notes_late":0,"notes_missing":0},{"unit_id":23,"unit_name":"驻成都招商分局","new_leads":0,"stage_moves":0,"follow_ups":2,"requests_opened":0,"requests_closed":0,"requests_overdue":0,"red_projects":0,"key_projects":0,"notes_on_time":0,"notes_late":0,"notes_missing":0}],"key_projects":[{"project_id":1,"code":"XM2026-00001","name":"广州海川小麦种植集团有限智能制造项目","unit_id":2,"unit_name":"汉台区","stage":"Negotiating","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":null,"status":"Missing"},{"project_id":3,"code":"XM2026-00003","name":"合肥嘉禾乡镇卫生院集团有零部件配套项目","unit_id":2,"unit_name":"汉台区","stage":"Signed","health":"Red","health_reasons":"计划开工日期 2026-09-20 已过 75 天","reason":"总投资达到 10,000 万元","note":{"progress":"双方就投资协议条款达成一致","next_plan":"安排签约仪式","coordination":"请市局协调签约时间","by":"","submitted_at":"2026-11-17T03:00:00Z","version":1},"status":"OnTime"},{"project_id":4,"code":"XM2026-00004","name":"天津国盛天然草原割有限公研发中心","unit_id":2,"unit_name":"汉台区","stage":"Signed","health":"Red","health_reasons":"到位资金 0 万元，仅为计划进度 6,049.89 万元的 0%","reason":"总投资达到 10,000 万元","note":{"progress":"主体厂房封顶，设备采购合同已签","next_plan":"设备进场安装","coordination":"需电力公司提前接入双回路","by":"","submitted_at":"2026-11-17T02:00:00Z","version":1},"status":"OnTime"},{"project_id":112,"code":"XM2026-00112","name":"汉台区智能装备产业园项目","unit_id":2,"unit_name":"汉台区","stage":"Started","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"企业高管来汉考察园区","next_plan":"报送项目可研","coordination":"","by":"","submitted_at":"2026-11-17T01:00:00Z","version":1},"status":"OnTime"},{"project_id":113,"code":"XM2026-00113","name":"汉台区精密铸件扩能项目","unit_id":2,"unit_name":"汉台区","stage":"Started","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"完成项目用地预审，规划方案已报审","next_plan":"推进规划许可办理","coordination":"","by":"","submitted_at":"2026-11-17T00:00:00Z","version":1},"status":"OnTime"},{"project_id":6,"code":"XM2025-00006","name":"深圳星河危险废物治科技有新材料项目","unit_id":3,"unit_name":"南郑区","stage":"Started","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"双方就投资协议条款达成一致","next_plan":"安排签约仪式","coordination":"请市局协调签约时间","by":"","submitted_at":"2026-11-18T06:00:00Z","version":1},"status":"Late"},{"project_id":10,"code":"XM2026-00010","name":"秦岭航空零部件有限公司智能制造项目","unit_id":3,"unit_name":"南郑区","stage":"Started","health":"Red","health_reasons":"有诉求超过办理期限 10 天（期限 2026-11-24）","reason":"项目体检为红色","note":{"progress":"主体厂房封顶，设备采购合同已签","next_plan":"设备进场安装","coordination":"需电力公司提前接入双回路","by":"","submitted_at":"2026-11-16T22:00:00Z","version":1},"status":"OnTime"},{"project_id":97,"code":"XM2026-00097","name":"深圳信达搬家运输科技有限智能制造项目","unit_id":3,"unit_name":"南郑区","stage":"Signed","health":"Red","health_reasons":"已 100 天无进展（满 45 天为红色）\n有诉求超过办理期限 13 天（期限 2026-11-21）\n到位资金 29,180.7 万元，仅为计划进度 64,504.73 万元的 45%","reason":"总投资达到 10,000 万元","note":null,"status":"Missing"},{"project_id":13,"code":"XM2025-00013","name":"天津鼎盛环境卫生管股份有智能制造项目","unit_id":4,"unit_name":"城固县","stage":"Signed","health":"Red","health_reasons":"已 73 天无进展（满 45 天为红色）","reason":"总投资达到 10,000 万元","note":{"progress":"完成项目用地预审，规划方案已报审","next_plan":"推进规划许可办理","coordination":"","by":"","submitted_at":"2026-11-17T03:00:00Z","version":1},"status":"OnTime"},{"project_id":15,"code":"XM2025-00015","name":"宝鸡润泽信用有限公司研发中心","unit_id":4,"unit_name":"城固县","stage":"Started","health":"Amber","health_reasons":"已 34 天无进展（满 30 天为黄色）\n到位资金 70,069.52 万元，为计划进度 105,104.28 万元的 66%","reason":"总投资达到 10,000 万元","note":{"progress":"双方就投资协议条款达成一致","next_plan":"安排签约仪式","coordination":"请市局协调签约时间","by":"","submitted_at":"2026-11-17T02:00:00Z","version":1},"status":"OnTime"},{"project_id":111,"code":"XM2026-00111","name":"锂安电池结构件生产基地","unit_id":4,"unit_name":"城固县","stage":"Negotiating","health":"Red","health_reasons":"已 166 天无进展（满 45 天为红色）","reason":"总投资达到 10,000 万元","note":{"progress":"主体厂房封顶，设备采购合同已签","next_plan":"设备进场安装","coordination":"需电力公司提前接入双回路","by":"","submitted_at":"2026-11-18T06:00:00Z","version":1},"status":"Late"},{"project_id":114,"code":"XM2026-00114","name":"城固县新材料深加工项目","unit_id":4,"unit_name":"城固县","stage":"Signed","health":"Red","health_reasons":"已 50 天无进展（满 45 天为红色）","reason":"总投资达到 10,000 万元","note":{"progress":"企业高管来汉考察园区","next_plan":"报送项目可研","coordination":"","by":"","submitted_at":"2026-11-17T00:00:00Z","version":1},"status":"OnTime"},{"project_id":115,"code":"XM2026-00115","name":"城固县电子元器件封测项目","unit_id":4,"unit_name":"城固县","stage":"Signed","health":"Red","health_reasons":"有诉求超过办理期限 14 天（期限 2026-11-20）","reason":"总投资达到 10,000 万元","note":{"progress":"完成项目用地预审，规划方案已报审","next_plan":"推进规划许可办理","coordination":"","by":"","submitted_at":"2026-11-16T23:00:00Z","version":1},"status":"OnTime"},{"project_id":17,"code":"XM2026-00017","name":"重庆新程其他资本市有限公扩能技改项目","unit_id":5,"unit_name":"洋县","stage":"Negotiating","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"双方就投资协议条款达成一致","next_plan":"安排签约仪式","coordination":"请市局协调签约时间","by":"","submitted_at":"2026-11-16T22:00:00Z","version":1},"status":"OnTime"},{"project_id":18,"code":"XM2026-00018","name":"重庆信达医疗用品股份有限产业园项目","unit_id":5,"unit_name":"洋县","stage":"Signed","health":"Red","health_reasons":"计划开工日期 2026-10-23 已过 42 天","reason":"总投资达到 10,000 万元","note":null,"status":"Missing"},{"project_id":20,"code":"XM2026-00020","name":"南京凯越飞机股份有限公司新材料项目","unit_id":5,"unit_name":"洋县","stage":"Started","health":"Red","health_reasons":"已 67 天无进展（满 45 天为红色）","reason":"总投资达到 10,000 万元","note":{"progress":"企业高管来汉考察园区","next_plan":"报送项目可研","coordination":"","by":"","submitted_at":"2026-11-18T06:00:00Z","version":1},"status":"Late"},{"project_id":101,"code":"XM2026-00101","name":"东莞星河光伏设备科技有限生产基地","unit_id":5,"unit_name":"洋县","stage":"Signed","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"完成项目用地预审，规划方案已报审","next_plan":"推进规划许可办理","coordination":"","by":"","submitted_at":"2026-11-17T02:00:00Z","version":1},"status":"OnTime"},{"project_id":21,"code":"XM2025-00021","name":"重庆华瑞锡矿采选股份有限研发中心","unit_id":6,"unit_name":"西乡县","stage":"Signed","health":"Red","health_reasons":"有诉求超过办理期限 16 天（期限 2026-11-18）\n到位资金 4,801.84 万元，为计划进度 7,202.84 万元的 66%","reason":"总投资达到 10,000 万元","note":{"progress":"双方就投资协议条款达成一致","next_plan":"安排签约仪式","coordination":"请市局协调签约时间","by":"","submitted_at":"2026-11-17T01:00:00Z","version":1},"status":"OnTime"},{"project_id":22,"code":"XM2025-00022","name":"杭州秦岭旅游客运科技有限智能制造项目","unit_id":6,"unit_name":"西乡县","stage":"Operating","health":"Red","health_reasons":"有诉求超过办理期限 14 天（期限 2026-11-20）\n有诉求超过办理期限 7 天（期限 2026-11-27）","reason":"总投资达到 10,000 万元","note":{"progress":"主体厂房封顶，设备采购合同已签","next_plan":"设备进场安装","coordination":"需电力公司提前接入双回路","by":"","submitted_at":"2026-11-17T00:00:00Z","version":1},"status":"OnTime"},{"project_id":24,"code":"XM2025-00024","name":"上海嘉禾飞机集团有限公司研发中心","unit_id":6,"unit_name":"西乡县","stage":"Negotiating","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"企业高管来汉考察园区","next_plan":"报送项目可研","coordination":"","by":"","submitted_at":"2026-11-16T23:00:00Z","version":1},"status":"OnTime"},{"project_id":25,"code":"XM2026-00025","name":"宝鸡东方毛巾类制品科技有智能制造项目","unit_id":6,"unit_name":"西乡县","stage":"Started","health":"Red","health_reasons":"已 78 天无进展（满 45 天为红色）\n到位资金 200 万元，为计划进度 384.25 万元的 52%","reason":"项目体检为红色","note":{"progress":"完成项目用地预审，规划方案已报审","next_plan":"推进规划许可办理","coordination":"","by":"","submitted_at":"2026-11-18T06:00:00Z","version":1},"status":"Late"},{"project_id":91,"code":"XM2026-00091","name":"重庆博远配电开关控有限公研发中心","unit_id":6,"unit_name":"西乡县","stage":"Signed","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":null,"status":"Missing"},{"project_id":103,"code":"XM2025-00103","name":"北京华瑞干部休养所集团有智能制造项目","unit_id":7,"unit_name":"勉县","stage":"Started","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"主体厂房封顶，设备采购合同已签","next_plan":"设备进场安装","coordination":"需电力公司提前接入双回路","by":"","submitted_at":"2026-11-17T03:00:00Z","version":1},"status":"OnTime"},{"project_id":27,"code":"XM2026-00027","name":"重庆远航其他开采专股份有新材料项目","unit_id":7,"unit_name":"勉县","stage":"Signed","health":"Red","health_reasons":"有诉求超过办理期限 9 天（期限 2026-11-25）\n到位资金 241.84 万元，仅为计划进度 580.43 万元的 41%","reason":"项目体检为红色","note":{"progress":"企业高管来汉考察园区","next_plan":"报送项目可研","coordination":"","by":"","submitted_at":"2026-11-17T02:00:00Z","version":1},"status":"OnTime"},{"project_id":32,"code":"XM2025-00032","name":"广州瑞丰社区卫生服股份有智能制造项目","unit_id":8,"unit_name":"宁强县","stage":"Signed","health":"Red","health_reasons":"到位资金 2,137.98 万元，仅为计划进度 4,276.07 万元的 49%","reason":"总投资达到 10,000 万元","note":{"progress":"完成项目用地预审，规划方案已报审","next_plan":"推进规划许可办理","coordination":"","by":"","submitted_at":"2026-11-17T01:00:00Z","version":1},"status":"OnTime"},{"project_id":34,"code":"XM2025-00034","name":"上海海川其他文化艺有限公生产基地","unit_id":8,"unit_name":"宁强县","stage":"Operating","health":"Red","health_reasons":"有诉求超过办理期限 17 天（期限 2026-11-17）\n有诉求超过办理期限 9 天（期限 2026-11-25）","reason":"总投资达到 10,000 万元","note":{"progress":"双方就投资协议条款达成一致","next_plan":"安排签约仪式","coordination":"请市局协调签约时间","by":"","submitted_at":"2026-11-18T06:00:00Z","version":1},"status":"Late"},{"project_id":36,"code":"XM2025-00036","name":"佛山天成金属工艺品股份有新材料项目","unit_id":9,"unit_name":"略阳县","stage":"Signed","health":"Red","health_reasons":"有诉求超过办理期限 2 天（期限 2026-12-02）\n有诉求超过办理期限 15 天（期限 2026-11-19）","reason":"总投资达到 10,000 万元","note":{"progress":"主体厂房封顶，设备采购合同已签","next_plan":"设备进场安装","coordination":"需电力公司提前接入双回路","by":"","submitted_at":"2026-11-16T23:00:00Z","version":1},"status":"OnTime"},{"project_id":40,"code":"XM2025-00040","name":"东莞长风化纤织造集团有限生产基地","unit_id":9,"unit_name":"略阳县","stage":"Started","health":"Red","health_reasons":"到位资金 5,315.7 万元，仅为计划进度 10,631.46 万元的 49%","reason":"总投资达到 10,000 万元","note":{"progress":"企业高管来汉考察园区","next_plan":"报送项目可研","coordination":"","by":"","submitted_at":"2026-11-16T22:00:00Z","version":1},"status":"OnTime"},{"project_id":37,"code":"XM2026-00037","name":"上海明德旅游客运科技有限智能制造项目","unit_id":9,"unit_name":"略阳县","stage":"Signed","health":"Red","health_reasons":"有诉求超过办理期限 12 天（期限 2026-11-22）\n到位资金 100 万元，为计划进度 181.16 万元的 55%","reason":"项目体检为红色","note":null,"status":"Missing"},{"project_id":42,"code":"XM2025-00042","name":"重庆嘉禾特种陶瓷制集团有新材料项目","unit_id":10,"unit_name":"镇巴县","stage":"Signed","health":"Red","health_reasons":"已 35 天无进展（满 30 天为黄色）\n到位资金 87,553.44 万元，仅为计划进度 175,106.89 万元的 49%","reason":"总投资达到 10,000 万元","note":{"progress":"双方就投资协议条款达成一致","next_plan":"安排签约仪式","coordination":"请市局协调签约时间","by":"","submitted_at":"2026-11-17T03:00:00Z","version":1},"status":"OnTime"},{"project_id":99,"code":"XM2025-00099","name":"青岛嘉禾盐科技有限公司研发中心","unit_id":10,"unit_name":"镇巴县","stage":"Started","health":"Amber","health_reasons":"已 35 天无进展（满 30 天为黄色）","reason":"总投资达到 10,000 万元","note":{"progress":"主体厂房封顶，设备采购合同已签","next_plan":"设备进场安装","coordination":"需电力公司提前接入双回路","by":"","submitted_at":"2026-11-18T06:00:00Z","version":1},"status":"Late"},{"project_id":47,"code":"XM2025-00047","name":"成都瑞丰金属制卫生实业有研发中心","unit_id":11,"unit_name":"留坝县","stage":"Started","health":"Red","health_reasons":"有诉求超过办理期限 16 天（期限 2026-11-18）","reason":"项目体检为红色","note":{"progress":"企业高管来汉考察园区","next_plan":"报送项目可研","coordination":"","by":"","submitted_at":"2026-11-17T01:00:00Z","version":1},"status":"OnTime"},{"project_id":49,"code":"XM2025-00049","name":"东莞秦岭电子专用材股份有产业园项目","unit_id":11,"unit_name":"留坝县","stage":"Negotiating","health":"Amber","health_reasons":"已 31 天无进展（满 30 天为黄色）","reason":"总投资达到 10,000 万元","note":{"progress":"完成项目用地预审，规划方案已报审","next_plan":"推进规划许可办理","coordination":"","by":"","submitted_at":"2026-11-17T00:00:00Z","version":1},"status":"OnTime"},{"project_id":48,"code":"XM2026-00048","name":"北京星河液力动力机股份有零部件配套项目","unit_id":11,"unit_name":"留坝县","stage":"Started","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"双方就投资协议条款达成一致","next_plan":"安排签约仪式","coordination":"请市局协调签约时间","by":"","submitted_at":"2026-11-16T23:00:00Z","version":1},"status":"OnTime"},{"project_id":50,"code":"XM2026-00050","name":"佛山秦岭信用实业有限公司研发中心","unit_id":11,"unit_name":"留坝县","stage":"Started","health":"Amber","health_reasons":"已 30 天无进展（满 30 天为黄色）\n到位资金 1,188.56 万元，为计划进度 1,782.85 万元的 66%","reason":"总投资达到 10,000 万元","note":{"progress":"主体厂房封顶，设备采购合同已签","next_plan":"设备进场安装","coordination":"需电力公司提前接入双回路","by":"","submitted_at":"2026-11-16T22:00:00Z","version":1},"status":"OnTime"},{"project_id":110,"code":"XM2026-00110","name":"重庆佳兴电子电路有限公司零部件配套项目","unit_id":11,"unit_name":"留坝县","stage":"Signed","health":"Amber","health_reasons":"到位资金 10,543.11 万元，为计划进度 15,537.24 万元的 67%","reason":"总投资达到 10,000 万元","note":null,"status":"Missing"},{"project_id":54,"code":"XM2025-00054","name":"苏州智源固定电信有限公司产业园项目","unit_id":12,"unit_name":"佛坪县","stage":"Negotiating","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"完成项目用地预审，规划方案已报审","next_plan":"推进规划许可办理","coordination":"","by":"","submitted_at":"2026-11-17T03:00:00Z","version":1},"status":"OnTime"},{"project_id":87,"code":"XM2025-00087","name":"苏州明德其他室内娱科技有新材料项目","unit_id":12,"unit_name":"佛坪县","stage":"Signed","health":"Amber","health_reasons":"已 42 天无进展（满 30 天为黄色）","reason":"总投资达到 10,000 万元","note":{"progress":"双方就投资协议条款达成一致","next_plan":"安排签约仪式","coordination":"请市局协调签约时间","by":"","submitted_at":"2026-11-17T02:00:00Z","version":1},"status":"OnTime"},{"project_id":51,"code":"XM2026-00051","name":"苏州国盛蜜蜂饲养科技有限生产基地","unit_id":12,"unit_name":"佛坪县","stage":"Negotiating","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"主体厂房封顶，设备采购合同已签","next_plan":"设备进场安装","coordination":"需电力公司提前接入双回路","by":"","submitted_at":"2026-11-17T01:00:00Z","version":1},"status":"OnTime"},{"project_id":52,"code":"XM2026-00052","name":"西安秦岭其他未列明实业有零部件配套项目","unit_id":12,"unit_name":"佛坪县","stage":"Signed","health":"Red","health_reasons":"到位资金 0 万元，仅为计划进度 15,035.51 万元的 0%","reason":"总投资达到 10,000 万元","note":{"progress":"企业高管来汉考察园区","next_plan":"报送项目可研","coordination":"","by":"","submitted_at":"2026-11-17T00:00:00Z","version":1},"status":"OnTime"},{"project_id":96,"code":"XM2026-00096","name":"苏州华瑞动物园有限公司零部件配套项目","unit_id":12,"unit_name":"佛坪县","stage":"Negotiating","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"完成项目用地预审，规划方案已报审","next_plan":"推进规划许可办理","coordination":"","by":"","submitted_at":"2026-11-18T06:00:00Z","version":1},"status":"Late"},{"project_id":105,"code":"XM2026-00105","name":"西安宏达特种玻璃股份有限智能制造项目","unit_id":12,"unit_name":"佛坪县","stage":"Started","health":"Red","health_reasons":"到位资金 158.18 万元，仅为计划进度 474.56 万元的 33%","reason":"项目体检为红色","note":{"progress":"双方就投资协议条款达成一致","next_plan":"安排签约仪式","coordination":"请市局协调签约时间","by":"","submitted_at":"2026-11-16T22:00:00Z","version":1},"status":"OnTime"},{"project_id":56,"code":"XM2026-00056","name":"广州星河泡沫塑料集团有限零部件配套项目","unit_id":13,"unit_name":"汉中经济技术开发区","stage":"Negotiating","health":"Amber","health_reasons":"已 33 天无进展（满 30 天为黄色）","reason":"总投资达到 10,000 万元","note":null,"status":"Missing"},{"project_id":59,"code":"XM2026-00059","name":"天津长风互联网生产科技有零部件配套项目","unit_id":13,"unit_name":"汉中经济技术开发区","stage":"Signed","health":"Amber","health_reasons":"到位资金 2,951.26 万元，为计划进度 4,426.89 万元的 66%","reason":"总投资达到 10,000 万元","note":{"progress":"企业高管来汉考察园区","next_plan":"报送项目可研","coordination":"","by":"","submitted_at":"2026-11-17T03:00:00Z","version":1},"status":"OnTime"},{"project_id":64,"code":"XM2025-00064","name":"杭州长风疾病预防控有限公零部件配套项目","unit_id":14,"unit_name":"兴汉新区","stage":"Operating","health":"Amber","health_reasons":"到位资金 116,673.6 万元，为计划进度 175,010.46 万元的 66%","reason":"总投资达到 10,000 万元","note":{"progress":"完成项目用地预审，规划方案已报审","next_plan":"推进规划许可办理","coordination":"","by":"","submitted_at":"2026-11-17T02:00:00Z","version":1},"status":"OnTime"},{"project_id":106,"code":"XM2025-00106","name":"成都金桥粘土砖瓦股份有限研发中心","unit_id":14,"unit_name":"兴汉新区","stage":"Started","health":"Amber","health_reasons":"已 42 天无进展（满 30 天为黄色）","reason":"总投资达到 10,000 万元","note":{"progress":"双方就投资协议条款达成一致","next_plan":"安排签约仪式","coordination":"请市局协调签约时间","by":"","submitted_at":"2026-11-18T06:00:00Z","version":1},"status":"Late"},{"project_id":66,"code":"XM2025-00066","name":"厦门立讯粮油零售股份有限生产基地","unit_id":15,"unit_name":"汉中航空经济技术开发区","stage":"Negotiating","health":"Amber","health_reasons":"已 41 天无进展（满 30 天为黄色）","reason":"总投资达到 10,000 万元","note":{"progress":"主体厂房封顶，设备采购合同已签","next_plan":"设备进场安装","coordination":"需电力公司提前接入双回路","by":"","submitted_at":"2026-11-17T00:00:00Z","version":1},"status":"OnTime"},{"project_id":68,"code":"XM2026-00068","name":"宁波联创电气信号设有限公扩能技改项目","unit_id":15,"unit_name":"汉中航空经济技术开发区","stage":"Signed","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"企业高管来汉考察园区","next_plan":"报送项目可研","coordination":"","by":"","submitted_at":"2026-11-16T23:00:00Z","version":1},"status":"OnTime"},{"project_id":70,"code":"XM2026-00070","name":"佛山金桥中西医结合集团有产业园项目","unit_id":15,"unit_name":"汉中航空经济技术开发区","stage":"Negotiating","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"完成项目用地预审，规划方案已报审","next_plan":"推进规划许可办理","coordination":"","by":"","submitted_at":"2026-11-16T22:00:00Z","version":1},"status":"OnTime"},{"project_id":108,"code":"XM2026-00108","name":"深圳正泰蜜饯制作集团有限智能制造项目","unit_id":15,"unit_name":"汉中航空经济技术开发区","stage":"Negotiating","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":null,"status":"Missing"},{"project_id":95,"code":"XM2025-00095","name":"佛山恒通游艺用品有限公司新材料项目","unit_id":16,"unit_name":"汉中滨江新区","stage":"Signed","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"主体厂房封顶，设备采购合同已签","next_plan":"设备进场安装","coordination":"需电力公司提前接入双回路","by":"","submitted_at":"2026-11-18T06:00:00Z","version":1},"status":"Late"},{"project_id":73,"code":"XM2026-00073","name":"天津鼎盛环境卫生管股份有产业园项目","unit_id":16,"unit_name":"汉中滨江新区","stage":"Started","health":"Amber","health_reasons":"到位资金 5,923.36 万元，为计划进度 7,615.75 万元的 77%","reason":"总投资达到 10,000 万元","note":{"progress":"企业高管来汉考察园区","next_plan":"报送项目可研","coordination":"","by":"","submitted_at":"2026-11-17T02:00:00Z","version":1},"status":"OnTime"},{"project_id":80,"code":"XM2025-00080","name":"北京安泰非金融机构集团有新材料项目","unit_id":17,"unit_name":"勉县经济技术开发区","stage":"Signed","health":"Amber","health_reasons":"到位资金 87,637.98 万元，为计划进度 175,275.96 万元的 50%","reason":"总投资达到 10,000 万元","note":{"progress":"完成项目用地预审，规划方案已报审","next_plan":"推进规划许可办理","coordination":"","by":"","submitted_at":"2026-11-17T01:00:00Z","version":1},"status":"OnTime"},{"project_id":88,"code":"XM2025-00088","name":"宝鸡智源航空相关设股份有智能制造项目","unit_id":17,"unit_name":"勉县经济技术开发区","stage":"Signed","health":"Red","health_reasons":"已 83 天无进展（满 45 天为红色）","reason":"总投资达到 10,000 万元","note":{"progress":"双方就投资协议条款达成一致","next_plan":"安排签约仪式","coordination":"请市局协调签约时间","by":"","submitted_at":"2026-11-17T00:00:00Z","version":1},"status":"OnTime"},{"project_id":78,"code":"XM2026-00078","name":"厦门金桥其他非电力实业有扩能技改项目","unit_id":17,"unit_name":"勉县经济技术开发区","stage":"Started","health":"Red","health_reasons":"已 44 天无进展（满 30 天为黄色）\n有诉求超过办理期限 18 天（期限 2026-11-16）","reason":"总投资达到 10,000 万元","note":{"progress":"主体厂房封顶，设备采购合同已签","next_plan":"设备进场安装","coordination":"需电力公司提前接入双回路","by":"","submitted_at":"2026-11-16T23:00:00Z","version":1},"status":"OnTime"},{"project_id":79,"code":"XM2026-00079","name":"上海汉江通用航空生科技有智能制造项目","unit_id":17,"unit_name":"勉县经济技术开发区","stage":"Negotiating","health":"Green","health_reasons":"进展正常","reason":"总投资达到 10,000 万元","note":{"progress":"企业高管来汉考察园区","next_plan":"报送项目可研","coordination":"","by":"","submitted_at":"2026-11-18T06:00:00Z","version":1},"status":"Late"},{"project_id":82,"code":"XM2025-00082","name":"广州鼎盛水轮机股份有限公新材料项目","unit_id":18,"unit_name":"汉中高新技术产业开发区","stage":"Operating","health":"Amber","health_reasons":"到位资金 6,154.89 万元，为计划进度 10,551.32 万元的 58%","reason":"总投资达到 10,000 万元","note":null,"status":"Missing"},{"project_id":85,"code":"XM2025-00085","name":"佛山安泰皮箱科技有限公司生产基地","unit_id":18,"unit_name":"汉中高新技术产业开发区","stage":"Started","health":"Red","health_reasons":"已 76 天无进展（满 45 天为红色）","reason":"总投资达到 10,000 万元","note":{"progress":"双方就投资协议条款达成一致","next_plan":"安排签约仪式","coordination":"请市局协调签约时间","by":"","submitted_at":"2026-11-17T03:00:00Z","version":1},"status":"OnTime"},{"project_id":83,"code":"XM2026-00083","name":"北京海川有机肥料实业有限研发中心","unit_id":18,"unit_name":"汉中高新技术产业开发区","stage":"Signed","health":"Amber","health_reasons":"到位资金 1,507.96 万元，为计划进度 1,938.84 万元的 77%","reason":"总投资达到 10,000 万元","note":{"progress":"主体厂房封顶，设备采购合同已签","next_plan":"设备进场安装","coordination":"需电力公司提前接入双回路","by":"","submitted_at":"2026-11-17T02:00:00Z","version":1},"status":"OnTime"}],"agenda":[]}', NULL, '2026-12-04T23:51:04.013184+00:00');
INSERT INTO "events" ("id", "kind", "name", "city", "venue", "start_on", "end_on", "organizer_unit_id", "status", "summary", "created_by", "created_at", "updated_at", "version") VALUES (1, 'signing', '2026丝博会汉中签约活动', '西安', '西安国际会展中心', '2026-07-07', '2026-07-07', 1, 'held', '市政府主要领导出席，集中签约重点项目。', NULL, '2026-12-04T23:51:03.756581+00:00', '2026-12-04T23:51:03.756581+00:00', 1);
INSERT INTO "events" ("id", "kind", "name", "city", "venue", "start_on", "end_on", "organizer_unit_id", "status", "summary", "created_by", "created_at", "updated_at", "version") VALUES (4, 'week', '2026汉中招商周', '汉中', '汉中市会议中心', '2026-09-25', '2026-09-29', 1, 'held', '集中推介六大园区，组织客商实地考察。', NULL, '2026-12-04T23:51:03.841361+00:00', '2026-12-04T23:51:03.841361+00:00', 1);
INSERT INTO "events" ("id", "kind", "name", "city", "venue", "start_on", "end_on", "organizer_unit_id", "status", "summary", "created_by", "created_at", "updated_at", "version") VALUES (6, 'expo', '中国国际装备制造业博览会汉中展区', '沈阳', '沈阳国际展览中心', '2026-11-04', '2026-11-07', 19, 'held', '展示汉中装备制造产业链，收集客商名片 60 余张。', NULL, '2026-12-04T23:51:03.925214+00:00', '2026-12-04T23:51:03.925214+00:00', 1);
INSERT INTO "follow_ups" ("id", "enterprise_id", "target_id", "unit_id", "user_id", "happened_on", "kind", "place", "latitude_e6", "longitude_e6", "participants", "summary", "next_step", "next_due", "next_done", "client_key", "created_at", "project_id", "event_id") VALUES (457, 333, 1, 2, 6, '2026-12-04', 'call', '', NULL, NULL, '', '专班上门服务，收集企业诉求。', '', NULL, '0', 'project-9a07-1-52', '2026-12-04T16:00:00+00:00', 1, NULL);
INSERT INTO "follow_ups" ("id", "enterprise_id", "target_id", "unit_id", "user_id", "happened_on", "kind", "place", "latitude_e6", "longitude_e6", "participants", "summary", "next_step", "next_due", "next_done", "client_key", "created_at", "project_id", "event_id") VALUES (464, 333, 1, 2, 6, '2026-12-04', 'call', '', NULL, NULL, '', '专班上门服务，收集企业诉求。', '', NULL, '0', 'project-9a07-1-59', '2026-12-04T16:00:00+00:00', 1, NULL);
INSERT INTO "follow_ups" ("id", "enterprise_id", "target_id", "unit_id", "user_id", "happened_on", "kind", "place", "latitude_e6", "longitude_e6", "participants", "summary", "next_step", "next_due", "next_done", "client_key", "created_at", "project_id", "event_id") VALUES (504, 333, 1, 2, 6, '2026-12-04', 'call', '', NULL, NULL, '', '专班上门服务，收集企业诉求。', '', NULL, '0', 'project-9a07-1-99', '2026-12-04T16:00:00+00:00', 1, NULL);
INSERT INTO "follow_ups" ("id", "enterprise_id", "target_id", "unit_id", "user_id", "happened_on", "kind", "place", "latitude_e6", "longitude_e6", "participants", "summary", "next_step", "next_due", "next_done", "client_key", "created_at", "project_id", "event_id") VALUES (575, 189, 10, 3, 8, '2025-02-13', 'call', '', NULL, NULL, '', '专班上门服务，收集企业诉求。', '', NULL, '0', 'project-9a07-9-0', '2025-02-13T16:00:00+00:00', 9, NULL);
INSERT INTO "follow_ups" ("id", "enterprise_id", "target_id", "unit_id", "user_id", "happened_on", "kind", "place", "latitude_e6", "longitude_e6", "participants", "summary", "next_step", "next_due", "next_done", "client_key", "created_at", "project_id", "event_id") VALUES (990, 24, 21, 6, 14, '2026-11-17', 'visit', '', NULL, NULL, '', '走访企业，了解生产经营情况：计划建设二期，需新增用地 50 亩', '', NULL, '0', 'demo-aftercare-22', '2026-12-04T23:51:05.192244+00:00', 22, NULL);
INSERT INTO "follow_ups" ("id", "enterprise_id", "target_id", "unit_id", "user_id", "happened_on", "kind", "place", "latitude_e6", "longitude_e6", "participants", "summary", "next_step", "next_due", "next_done", "client_key", "created_at", "project_id", "event_id") VALUES (993, 1, 116, 3, 9, '2026-12-04', 'visit', '南郑区航空智造产业园', 33002100, 106941700, '企业副总经理', '实地查看标准化厂房，企业关注用电负荷。', '提供厂房图纸', '2026-12-11', '0', 'seed-visit', '2026-12-04T23:51:05.825749+00:00', NULL, NULL);
INSERT INTO "attachments" ("id", "follow_up_id", "unit_id", "file_name", "content_type", "size", "sha256", "data", "uploaded_by", "created_at") VALUES (1, 993, 3, '现场.png', 'image/png', 12, '218ad85a233eff829618a6865ab681222b734c62d35a32b3eabd5c37d8945f86', X'89504E470D0A1A0A0000000D', 9, '2026-12-04T23:51:05.826530+00:00');
INSERT INTO "event_participants" ("id", "event_id", "enterprise_id", "contact_id", "note", "added_by", "created_at") VALUES (5, 1, 192, 56, '', NULL, '2026-12-04T23:51:03.779902+00:00');
INSERT INTO "event_participants" ("id", "event_id", "enterprise_id", "contact_id", "note", "added_by", "created_at") VALUES (6, 1, 1, NULL, '', NULL, '2026-12-04T23:51:03.781987+00:00');
INSERT INTO "event_projects" ("id", "event_id", "project_id", "relation", "added_by", "created_at") VALUES (21, 6, 88, 'lead', NULL, '2026-12-04T23:51:03.928685+00:00');
INSERT INTO "notify_channels" ("id", "unit_id", "user_id", "kind", "name", "address", "secret", "rules", "enabled", "created_by", "created_at", "updated_at") VALUES (1, NULL, 9, 'email', '科室邮箱', 'zhaoshang@nanzheng.gov.cn', '', '', '1', 9, '2026-12-04T23:51:05.786272+00:00', '2026-12-04T23:51:05.786272+00:00');
INSERT INTO "deliveries" ("id", "channel_id", "rule", "dedup_key", "title", "body", "link", "status", "attempts", "next_attempt_at", "claimed_by", "claimed_until", "last_error", "sent_at", "created_at") VALUES (1, 1, 'test', 'test:channel:1:1796428265786', '招商系统测试消息', '这个渠道能收到招商系统的提醒。发送时间：2026-12-05 07:51', '/notifications/settings', 'pending', 0, '2026-12-04T23:51:05.786272+00:00', NULL, NULL, '', NULL, '2026-12-04T23:51:05.786272+00:00');
INSERT INTO "approval_items" ("id", "project_id", "kind", "name", "status", "started_on", "due_on", "done_on", "owner_unit_id", "document", "note", "request_id", "position", "created_by", "created_at", "updated_at", "version") VALUES (165, 88, 'planning', '规划许可', 'in_progress', NULL, '2026-11-04', NULL, 30, '', '', 70, 3, NULL, '2026-12-04T23:51:04.819878+00:00', '2026-12-04T23:51:04.839780+00:00', 3);
INSERT INTO "approval_items" ("id", "project_id", "kind", "name", "status", "started_on", "due_on", "done_on", "owner_unit_id", "document", "note", "request_id", "position", "created_by", "created_at", "updated_at", "version") VALUES (166, 88, 'environment', '环境影响评价', 'not_started', NULL, NULL, NULL, 24, '', '', NULL, 4, NULL, '2026-12-04T23:51:04.819878+00:00', '2026-12-04T23:51:04.844576+00:00', 2);
INSERT INTO "approval_items" ("id", "project_id", "kind", "name", "status", "started_on", "due_on", "done_on", "owner_unit_id", "document", "note", "request_id", "position", "created_by", "created_at", "updated_at", "version") VALUES (167, 88, 'energy', '节能审查', 'not_started', NULL, NULL, NULL, 25, '', '', NULL, 5, NULL, '2026-12-04T23:51:04.819878+00:00', '2026-12-04T23:51:04.847906+00:00', 2);
INSERT INTO "project_filings" ("id", "project_id", "national_code", "filing_kind", "authority", "approved_on", "updated_by", "created_at", "updated_at", "version") VALUES (19, 88, '2509-610725-03-01-000188', 'record', '勉县经济技术开发区发展和改革局', '2025-09-10', NULL, '2026-12-04T23:51:04.824500+00:00', '2026-12-04T23:51:04.824500+00:00', 1);
INSERT INTO "commitments" ("id", "project_id", "investment_wan", "fixed_wan", "output_wan", "tax_wan", "jobs", "land_mu", "full_production_on", "note", "updated_by", "created_at", "updated_at", "version") VALUES (10, 29, 1264164, 884914, 1896246, 50566, 85, 2949, '2026-10-05', '依据投资合同约定', NULL, '2026-12-04T23:51:05.200205+00:00', '2026-12-04T23:51:05.200205+00:00', 1);
INSERT INTO "yearly_results" ("id", "project_id", "year", "investment_wan", "fixed_wan", "output_wan", "tax_wan", "jobs", "note", "reported_by", "created_at", "updated_at") VALUES (2, 29, 2025, 1264164, 884914, 568873, 15169, 25, '企业报送，经税务、统计部门核对', NULL, '2026-12-04T23:51:05.202100+00:00', '2026-12-04T23:51:05.202100+00:00');
INSERT INTO "efficacy_reviews" ("id", "project_id", "year", "conclusion", "detail", "note", "reviewed_on", "reviewed_by", "created_at") VALUES (2, 29, 2025, 'behind', '累计完成投资：承诺 12,641.64 万元，实际 12,641.64 万元，完成 100.0%
固定资产投资：承诺 8,849.14 万元，实际 8,849.14 万元，完成 100.0%
年产值：承诺 18,962.46 万元，实际 5,688.73 万元，完成 30.0%，差 13,273.73 万元
年税收：承诺 505.66 万元，实际 151.69 万元，完成 30.0%，差 353.97 万元
就业人数：承诺 85 人，实际 25 人，完成 29.4%，差 60 人
最低一项完成 29.4%，低于 80%，评为未达效', '', '2026-12-04', NULL, '2026-12-04T23:51:05.204337+00:00');
INSERT INTO "visit_signals" ("id", "enterprise_id", "unit_id", "follow_up_id", "signal", "note", "noted_on", "created_by", "created_at") VALUES (1, 24, 6, 990, 'expanding', '计划建设二期，需新增用地 50 亩', '2026-11-17', NULL, '2026-12-04T23:51:05.196537+00:00');
INSERT INTO "policy_conditions" ("id", "policy_item_id", "indicator", "threshold", "created_by", "created_at") VALUES (1, 1, 'fixed', 707931, NULL, '2026-12-04T23:51:05.209320+00:00');
INSERT INTO "policy_payments" ("id", "policy_item_id", "paid_on", "amount_wan", "document", "note", "created_by", "created_at") VALUES (1, 1, '2026-10-25', 22122, '汉财企〔2026〕29号', '第一期', NULL, '2026-12-04T23:51:05.212282+00:00');
INSERT INTO "api_tokens" ("id", "user_id", "name", "prefix", "token_hash", "created_at", "expires_at", "last_used_at", "last_used_ip", "revoked_at", "created_by") VALUES (1, 9, '统计局数据交换', 'zs_3cb9995', '3e1ccd25940c2c387b70eaef99c5f930803ad423f28f4a571f96b89a5ab7ae8f', '2026-12-04T23:51:05.813984+00:00', '2027-03-04T23:51:05.813984+00:00', NULL, '', NULL, 9);
INSERT INTO "webhook_subscriptions" ("id", "user_id", "unit_id", "url", "secret", "events", "active", "description", "created_at", "updated_at", "version") VALUES (1, 9, 3, 'https://data.hanzhong.gov.cn/hooks/zhaoshang', 'bc9b619122f13953da06927a595849ccf07023e4787261b64fe31c2bdf3d1ead', 'project.created', '1', '市大数据局', '2026-12-04T23:51:05.786272+00:00', '2026-12-04T23:51:05.786272+00:00', 1);
INSERT INTO "webhook_deliveries" ("id", "subscription_id", "event_key", "event_type", "payload", "status", "attempts", "next_attempt_at", "last_status", "last_error", "claimed_by", "claimed_until", "created_at", "delivered_at") VALUES (1, 1, 'ping:1796428265786272', 'ping', '{"id":"ping:1796428265786272","type":"ping","occurred_at":"2026-12-04T23:51:05Z","data":{"message":"这是一条测试推送：招商系统可以把事件推送到这个地址。","subscription_id":1}}', 'pending', 0, '2026-12-04T23:51:05.786272+00:00', NULL, '', NULL, NULL, '2026-12-04T23:51:05.786272+00:00', NULL);
